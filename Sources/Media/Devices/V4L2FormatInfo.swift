/// One pixel format a capture device offers (VIDIOC_ENUM_FMT), with its sizes and, per discrete size, its frame
/// intervals.
public struct V4L2FormatInfo: Hashable, Sendable {
    /// The format's code.
    public var pixelFormat: V4L2PixelFormat
    /// The driver's (or libv4l's) name for it, e.g. "YUYV 4:2:2".
    public var description: String
    /// The hardware does not produce it; libv4l converts to it (V4L2_FMT_FLAG_EMULATED).
    public var isEmulated: Bool
    /// A compressed format such as MJPEG (V4L2_FMT_FLAG_COMPRESSED).
    public var isCompressed: Bool
    /// The sizes offered; nil when the driver does not implement VIDIOC_ENUM_FRAMESIZES (any size goes through
    /// VIDIOC_S_FMT, which adjusts it).
    public var sizes: V4L2FrameSizes?
    /// Frame intervals per discrete size (for a range of sizes, for its largest size); a size is missing when the
    /// driver does not implement VIDIOC_ENUM_FRAMEINTERVALS.
    public var intervals: [V4L2Size: V4L2FrameIntervals]

    /// A format description with everything given.
    public init(
        pixelFormat: V4L2PixelFormat, description: String, isEmulated: Bool = false, isCompressed: Bool = false,
        sizes: V4L2FrameSizes? = nil, intervals: [V4L2Size: V4L2FrameIntervals] = [:]
    ) {
        self.pixelFormat = pixelFormat
        self.description = description
        self.isEmulated = isEmulated
        self.isCompressed = isCompressed
        self.sizes = sizes
        self.intervals = intervals
    }
}
