/// The picture sizes a device offers for one pixel format, as VIDIOC_ENUM_FRAMESIZES reports them: a list of
/// discrete sizes (most USB webcams) or a range with a step (V4L2 API §7 "ioctl VIDIOC_ENUM_FRAMESIZES").
public enum V4L2FrameSizes: Hashable, Sendable, CustomStringConvertible {
    /// Exactly these sizes.
    case discrete([V4L2Size])
    /// Any width in `minimum.width...maximum.width` reachable from the minimum in steps of `step.width`, and the
    /// same for heights (V4L2_FRMSIZE_TYPE_STEPWISE; CONTINUOUS is a step of 1).
    case stepwise(minimum: V4L2Size, maximum: V4L2Size, step: V4L2Size)

    /// The offered size closest to `target`: the smallest |Δwidth| + |Δheight|, ties going to the larger picture.
    /// For a range, each dimension is clamped into it and rounded to the nearest step. Nil only for an empty list.
    public func nearest(to target: V4L2Size) -> V4L2Size? {
        switch self {
        case let .discrete(sizes):
            return sizes.min { a, b in
                let da = abs(a.width - target.width) + abs(a.height - target.height)
                let db = abs(b.width - target.width) + abs(b.height - target.height)
                return da != db ? da < db : a > b
            }
        case let .stepwise(minimum, maximum, step):
            return V4L2Size(
                width: Self.snap(target.width, minimum: minimum.width, maximum: maximum.width, step: step.width),
                height: Self.snap(target.height, minimum: minimum.height, maximum: maximum.height, step: step.height))
        }
    }

    /// `value` clamped into `minimum...maximum` and rounded to the nearest `minimum + k * step` that is in range.
    static func snap(_ value: Int, minimum: Int, maximum: Int, step: Int) -> Int {
        let upper = max(minimum, maximum)
        let clamped = min(max(value, minimum), upper)
        let step = max(1, step)
        let k = (clamped - minimum + step / 2) / step
        var result = minimum + k * step
        while result > upper { result -= step }
        return result
    }

    /// A few representative sizes for display: every discrete size, or the two ends of a range.
    public var representative: [V4L2Size] {
        switch self {
        case let .discrete(sizes): return sizes.sorted()
        case let .stepwise(minimum, maximum, _): return minimum == maximum ? [minimum] : [minimum, maximum]
        }
    }

    /// "640x480, 1280x720" or "160x120 to 1920x1080 in steps of 2x2".
    public var description: String {
        switch self {
        case let .discrete(sizes): return sizes.sorted().map(\.description).joined(separator: ", ")
        case let .stepwise(minimum, maximum, step): return "\(minimum) to \(maximum) in steps of \(step)"
        }
    }
}
