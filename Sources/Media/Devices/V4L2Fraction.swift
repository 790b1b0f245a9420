/// A V4L2 frame interval (`struct v4l2_fract`): seconds per frame as `numerator / denominator`, so 1/30 is 30 fps.
public struct V4L2Fraction: Hashable, Sendable, CustomStringConvertible {
    /// Seconds per frame, numerator.
    public var numerator: UInt32
    /// Seconds per frame, denominator.
    public var denominator: UInt32

    /// The interval `numerator / denominator` seconds.
    public init(numerator: UInt32, denominator: UInt32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The interval of `fps` frames per second (1/fps), for fps >= 1.
    public init(framesPerSecond fps: Int) {
        self.init(numerator: 1, denominator: UInt32(clamping: max(1, fps)))
    }

    /// Seconds per frame; 0 when the denominator is 0 (drivers that report nothing).
    public var seconds: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }

    /// Frames per second; 0 when the numerator is 0.
    public var framesPerSecond: Double { numerator == 0 ? 0 : Double(denominator) / Double(numerator) }

    /// This fraction with numerator and denominator divided by their greatest common divisor.
    public var reduced: V4L2Fraction {
        var a = numerator, b = denominator
        while b != 0 { (a, b) = (b, a % b) }
        guard a > 1 else { return self }
        return V4L2Fraction(numerator: numerator / a, denominator: denominator / a)
    }

    /// "1/30".
    public var description: String { "\(numerator)/\(denominator)" }
}
