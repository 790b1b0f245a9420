/// A V4L2 pixel format code: four ASCII characters packed little-endian into 32 bits, as the kernel's
/// `v4l2_fourcc(a, b, c, d)` macro builds them (linux/videodev2.h; Swift cannot evaluate that macro).
public struct V4L2PixelFormat: Hashable, Sendable, CustomStringConvertible {
    /// The packed code as the kernel stores it in `pixelformat` fields.
    public let rawValue: UInt32

    /// The format with the packed code `rawValue`.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The format named by four ASCII characters (e.g. "YU12"); nil for any other length or non-ASCII text.
    public init?(_ code: String) {
        let bytes = Array(code.utf8)
        guard bytes.count == 4, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        rawValue = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    /// Planar YUV 4:2:0, Y then Cb then Cr (V4L2_PIX_FMT_YUV420, "YU12"): LinkUp's I420.
    public static let yuv420 = V4L2PixelFormat(rawValue: 0x3231_5559)
    /// Planar YUV 4:2:0 with Cr before Cb (V4L2_PIX_FMT_YVU420, "YV12").
    public static let yvu420 = V4L2PixelFormat(rawValue: 0x3231_5659)
    /// Packed YUV 4:2:2, Y0 Cb Y1 Cr (V4L2_PIX_FMT_YUYV, "YUYV"): what most USB webcams send uncompressed.
    public static let yuyv = V4L2PixelFormat(rawValue: 0x5659_5559)
    /// Y plane then one interleaved Cb/Cr plane at half resolution (V4L2_PIX_FMT_NV12, "NV12").
    public static let nv12 = V4L2PixelFormat(rawValue: 0x3231_564E)
    /// Motion-JPEG (V4L2_PIX_FMT_MJPEG, "MJPG"): libv4l decodes it when asked for YU12; `I420Converter` decodes it
    /// with libyuv when it comes through as is.
    public static let mjpeg = V4L2PixelFormat(rawValue: 0x4750_4A4D)

    /// The formats `I420Converter` turns into a `VideoFrame` without libv4l's help.
    public static let convertible: Set<V4L2PixelFormat> = [.yuv420, .yvu420, .yuyv, .nv12]
    /// The formats a camera may hand over: the uncompressed ones above, and MJPEG, which `I420Converter` decodes
    /// when libv4l passes it through (sizes are still chosen among the uncompressed formats first).
    public static let accepted: Set<V4L2PixelFormat> = convertible.union([.mjpeg])

    /// The four characters, with non-printable bytes shown as '?'; a trailing space is kept as the kernel spells it.
    public var description: String {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: rawValue >> (8 * UInt32($0))) }
        return String(decoding: bytes.map { (0x20..<0x7F).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}
