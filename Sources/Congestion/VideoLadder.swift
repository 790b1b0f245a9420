import Wire

/// Suggests the video resolution and frame rate for the video bitrate, with hysteresis: a step down as soon as
/// the bitrate falls below the current step's floor, a step up only once it exceeds the next step's floor by
/// `upFactor` (1.5) and has stayed there for `upHoldTime`. Encoding fewer pixels well beats encoding many badly
/// (the encoder side of draft-ietf-rmcat-gcc-02 §1's rate adaptation).
public struct VideoLadder: Sendable {
    /// One resolution and frame rate and the least bitrate worth sending it at.
    public struct Step: Sendable, Equatable, CustomStringConvertible {
        /// Frame width in pixels.
        public var width: Int
        /// Frame height in pixels.
        public var height: Int
        /// Frames per second.
        public var framesPerSecond: Int
        /// Least bitrate, bit/s, for this step.
        public var minBitrate: Int

        /// A step from its fields.
        public init(width: Int, height: Int, framesPerSecond: Int, minBitrate: Int) {
            self.width = width
            self.height = height
            self.framesPerSecond = framesPerSecond
            self.minBitrate = minBitrate
        }

        /// "640x480@30".
        public var description: String { "\(width)x\(height)@\(framesPerSecond)" }
    }

    /// The steps, best first: 640x480@30 (300 kbit/s and up), 320x240@30, 320x240@15, 160x120@15. A busy
    /// 640x480 picture at 330 kbit/s made libvpx drop two frames in three (7-9 shown a second, against 30 at
    /// 320x240, Benchmarks/shaped_step.py), so the big step wants 300 kbit/s and 450 to climb back to it.
    public static let standard: [Step] = [
        Step(width: 640, height: 480, framesPerSecond: 30, minBitrate: 300_000),
        Step(width: 320, height: 240, framesPerSecond: 30, minBitrate: 120_000),
        Step(width: 320, height: 240, framesPerSecond: 15, minBitrate: 60_000),
        Step(width: 160, height: 120, framesPerSecond: 15, minBitrate: 0),
    ]

    /// The ladder, best first, ending with a step whose floor is 0.
    public let steps: [Step]
    /// How far above the next step's floor the bitrate must be to step up.
    public var upFactor = 1.5
    /// How long the bitrate must stay high enough before a step up.
    public var upHoldTime: Duration = .seconds(2)
    /// Index of the current step in `steps`.
    public private(set) var index: Int
    private var upSince: Instant?

    /// A ladder over `steps` (best first), starting at the best.
    public init(steps: [Step] = VideoLadder.standard) {
        self.steps = steps.isEmpty ? VideoLadder.standard : steps
        index = 0
    }

    /// The current suggestion.
    public var current: Step { steps[index] }

    /// Updates the suggestion for `videoBitrate` at `now`; returns the (possibly unchanged) step.
    @discardableResult
    public mutating func update(videoBitrate: Int, now: Instant) -> Step {
        while index < steps.count - 1, videoBitrate < steps[index].minBitrate {
            index += 1
            upSince = nil
        }
        if index > 0, Double(videoBitrate) >= upFactor * Double(steps[index - 1].minBitrate) {
            let since = upSince ?? now
            upSince = since
            if now - since >= upHoldTime {
                index -= 1
                upSince = nil
            }
        } else {
            upSince = nil
        }
        return steps[index]
    }
}
