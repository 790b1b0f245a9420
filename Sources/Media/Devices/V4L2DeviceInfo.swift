/// What a V4L2 device says about itself (VIDIOC_QUERYCAP) and, for capture devices, the formats it offers.
public struct V4L2DeviceInfo: Hashable, Sendable {
    /// The device node, e.g. "/dev/video0".
    public var path: String
    /// The device's name (`card`), e.g. "Integrated Camera: Integrated C".
    public var name: String
    /// The kernel driver, e.g. "uvcvideo".
    public var driver: String
    /// Where it is attached (`bus_info`), e.g. "usb-0000:00:14.0-8".
    public var bus: String
    /// The driver version as "major.minor.patch" (KERNEL_VERSION encoding).
    public var version: String
    /// This node's capability bits: `device_caps` when the driver reports them (V4L2_CAP_DEVICE_CAPS), else the
    /// whole device's `capabilities`.
    public var capabilities: UInt32
    /// Pixel formats for single-planar video capture, with sizes and intervals (empty unless enumerated).
    public var formats: [V4L2FormatInfo]

    /// V4L2_CAP_VIDEO_CAPTURE (linux/videodev2.h).
    public static let capVideoCapture: UInt32 = 0x0000_0001
    /// V4L2_CAP_READWRITE.
    public static let capReadWrite: UInt32 = 0x0100_0000
    /// V4L2_CAP_STREAMING.
    public static let capStreaming: UInt32 = 0x0400_0000
    /// V4L2_CAP_DEVICE_CAPS: `device_caps` is filled in.
    public static let capDeviceCaps: UInt32 = 0x8000_0000

    /// A device description with everything given.
    public init(
        path: String, name: String, driver: String, bus: String, version: String, capabilities: UInt32,
        formats: [V4L2FormatInfo] = []
    ) {
        self.path = path
        self.name = name
        self.driver = driver
        self.bus = bus
        self.version = version
        self.capabilities = capabilities
        self.formats = formats
    }

    /// The node captures single-planar video (the kind of buffer LinkUp reads).
    public var isVideoCapture: Bool { capabilities & Self.capVideoCapture != 0 }
    /// The node streams through VIDIOC_REQBUFS/QBUF/DQBUF buffers.
    public var canStream: Bool { capabilities & Self.capStreaming != 0 }
}
