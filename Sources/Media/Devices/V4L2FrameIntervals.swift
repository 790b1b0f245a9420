/// The frame intervals a device offers for one pixel format at one size, as VIDIOC_ENUM_FRAMEINTERVALS reports
/// them (V4L2 API §7 "ioctl VIDIOC_ENUM_FRAMEINTERVALS").
public enum V4L2FrameIntervals: Hashable, Sendable, CustomStringConvertible {
    /// Exactly these intervals.
    case discrete([V4L2Fraction])
    /// Any interval from `minimum` (fastest) to `maximum` (slowest) in steps of `step`
    /// (V4L2_FRMIVAL_TYPE_STEPWISE).
    case stepwise(minimum: V4L2Fraction, maximum: V4L2Fraction, step: V4L2Fraction)
    /// Any interval from `minimum` to `maximum` (V4L2_FRMIVAL_TYPE_CONTINUOUS).
    case continuous(minimum: V4L2Fraction, maximum: V4L2Fraction)

    /// The offered interval whose frame rate is closest to `fps`, ties going to the faster one; nil only for an
    /// empty list or a degenerate range.
    public func nearest(toFramesPerSecond fps: Double) -> V4L2Fraction? {
        guard fps > 0 else { return nil }
        switch self {
        case let .discrete(intervals):
            return intervals.filter { $0.numerator > 0 && $0.denominator > 0 }.min { a, b in
                let da = abs(a.framesPerSecond - fps), db = abs(b.framesPerSecond - fps)
                return da != db ? da < db : a.framesPerSecond > b.framesPerSecond
            }
        case let .continuous(minimum, maximum):
            guard let range = Self.range(minimum, maximum) else { return nil }
            let target = 1 / fps
            if target <= range.lowerBound { return minimum }
            if target >= range.upperBound { return maximum }
            // Express the rate over a denominator of 1000 so non-integer rates (29.97) survive.
            return V4L2Fraction(numerator: 1000, denominator: UInt32(clamping: Int((fps * 1000).rounded()))).reduced
        case let .stepwise(minimum, maximum, step):
            guard let range = Self.range(minimum, maximum) else { return nil }
            guard step.numerator > 0, step.denominator > 0 else { return minimum }
            let target = min(max(1 / fps, range.lowerBound), range.upperBound)
            let steps = (target - minimum.seconds) / step.seconds
            guard steps.isFinite, steps < 1e15 else { return minimum }
            // minimum + k * step as one fraction: (mn * sd + k * sn * md) / (md * sd), reduced; nil if it overflows
            // 32 bits or passes the maximum.
            func candidate(_ k: UInt64) -> V4L2Fraction? {
                let base = UInt64(minimum.numerator) * UInt64(step.denominator)
                let (perStep, o1) = UInt64(step.numerator).multipliedReportingOverflow(by: UInt64(minimum.denominator))
                let (offset, o2) = k.multipliedReportingOverflow(by: perStep)
                let (numerator, o3) = base.addingReportingOverflow(offset)
                guard !o1, !o2, !o3 else { return nil }
                let denominator = UInt64(minimum.denominator) * UInt64(step.denominator)
                var a = numerator, b = denominator
                while b != 0 { (a, b) = (b, a % b) }
                let divisor = max(1, a)
                guard let n = UInt32(exactly: numerator / divisor), let d = UInt32(exactly: denominator / divisor)
                else { return nil }
                let value = V4L2Fraction(numerator: n, denominator: d)
                return value.seconds <= range.upperBound * (1 + 1e-12) ? value : nil
            }
            // The two grid points around the target; the one whose rate is closer wins, ties to the faster.
            let below = UInt64(max(0, steps.rounded(.down)))
            return [candidate(below), candidate(below + 1)].compactMap { $0 }.min { a, b in
                let da = abs(a.framesPerSecond - fps), db = abs(b.framesPerSecond - fps)
                return da != db ? da < db : a.framesPerSecond > b.framesPerSecond
            } ?? minimum
        }
    }

    private static func range(_ minimum: V4L2Fraction, _ maximum: V4L2Fraction) -> ClosedRange<Double>? {
        guard minimum.numerator > 0, minimum.denominator > 0, maximum.denominator > 0,
            minimum.seconds <= maximum.seconds
        else { return nil }
        return minimum.seconds...maximum.seconds
    }

    /// Frame rates for display, fastest first: every discrete rate, or the two ends of a range.
    public var framesPerSecond: [Double] {
        switch self {
        case let .discrete(intervals):
            return intervals.map(\.framesPerSecond).filter { $0 > 0 }.sorted(by: >)
        case let .stepwise(minimum, maximum, _), let .continuous(minimum, maximum):
            return [minimum.framesPerSecond, maximum.framesPerSecond]
        }
    }

    /// "30, 15 fps" or "1 to 60 fps".
    public var description: String {
        let rates = framesPerSecond.map { Self.format($0) }
        switch self {
        case .discrete: return rates.joined(separator: ", ") + " fps"
        case .stepwise, .continuous: return "\(rates.last ?? "?") to \(rates.first ?? "?") fps"
        }
    }

    /// A rate with at most two decimals and no trailing zeros ("30", "29.97", "7.5").
    static func format(_ fps: Double) -> String {
        let hundredths = Int((fps * 100).rounded())
        if hundredths % 100 == 0 { return "\(hundredths / 100)" }
        if hundredths % 10 == 0 { return "\(hundredths / 100).\(hundredths % 100 / 10)" }
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
