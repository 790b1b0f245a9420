import Wire

/// The VP8 payload header at the start of a frame's first partition (RFC 7741 §4.3), followed on key frames by
/// the start code and dimensions of the key frame header (RFC 6386 §9.1).
///
///      0 1 2 3 4 5 6 7
///     +-+-+-+-+-+-+-+-+
///     |Size0|H| VER |P|
///     +-+-+-+-+-+-+-+-+
///     |     Size1     |
///     +-+-+-+-+-+-+-+-+
///     |     Size2     |
///     +-+-+-+-+-+-+-+-+
///     | Octets 4..N of|
///     | VP8 payload   |
///     :               :
///
/// Key frames then carry (RFC 6386 §9.1): the start code 0x9d 0x01 0x2a, a little-endian 16-bit field holding
/// a 2-bit horizontal scale and a 14-bit width, and the same for the height.
public struct VP8PayloadHeader: Equatable, Hashable, Sendable {
    /// The start code that opens a key frame's header.
    public static let startCode: [UInt8] = [0x9D, 0x01, 0x2A]

    /// The dimensions from a key frame header.
    public struct Dimensions: Equatable, Hashable, Sendable {
        /// Width in pixels (14 bits).
        public var width: UInt16
        /// Height in pixels (14 bits).
        public var height: UInt16
        /// Upscaling of the width (2 bits).
        public var horizontalScale: UInt8
        /// Upscaling of the height (2 bits).
        public var verticalScale: UInt8

        /// Dimensions from their fields; each keeps the bits its field has room for.
        public init(width: UInt16, height: UInt16, horizontalScale: UInt8 = 0, verticalScale: UInt8 = 0) {
            self.width = width & 0x3FFF
            self.height = height & 0x3FFF
            self.horizontalScale = horizontalScale & 0x03
            self.verticalScale = verticalScale & 0x03
        }
    }

    /// True when P (the inverse key frame flag) is 0.
    public var isKeyFrame: Bool
    /// VER: the version/profile (3 bits).
    public var version: UInt8
    /// H: the frame is meant to be shown.
    public var showFrame: Bool
    /// The first partition's size in bytes (19 bits: Size0 + 8 × Size1 + 2048 × Size2).
    public var firstPartitionSize: UInt32
    /// A key frame's dimensions (nil on interframes).
    public var dimensions: Dimensions?

    /// A header from its fields; key frames need dimensions to be encoded with their start code.
    public init(
        isKeyFrame: Bool, version: UInt8 = 0, showFrame: Bool = true, firstPartitionSize: UInt32,
        dimensions: Dimensions? = nil
    ) {
        self.isKeyFrame = isKeyFrame
        self.version = version & 0x07
        self.showFrame = showFrame
        self.firstPartitionSize = firstPartitionSize & 0x7FFFF
        self.dimensions = isKeyFrame ? dimensions : nil
    }

    /// Parses the header at the start of the first partition (the bytes after the payload descriptor of a packet
    /// with S = 1, PID = 0). Key frames must carry the start code and dimensions.
    public init(parsing vp8: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(vp8)
        let first = try reader.u8()
        isKeyFrame = first & 0x01 == 0
        version = first >> 1 & 0x07
        showFrame = first & 0x10 != 0
        let size1 = try reader.u8()
        let size2 = try reader.u8()
        firstPartitionSize = UInt32(first >> 5) | UInt32(size1) << 3 | UInt32(size2) << 11
        dimensions = nil
        guard isKeyFrame else { return }
        guard try reader.bytes(3).elementsEqual(Self.startCode) else {
            throw .invalidField("VP8 key frame without the start code 9d 01 2a")
        }
        let width = try reader.u16()
        let height = try reader.u16()
        // The fields are little-endian; swap what the big-endian reader returned.
        let widthLE = width.byteSwapped
        let heightLE = height.byteSwapped
        dimensions = Dimensions(width: widthLE & 0x3FFF, height: heightLE & 0x3FFF,
                                horizontalScale: UInt8(widthLE >> 14), verticalScale: UInt8(heightLE >> 14))
    }

    /// Bytes the header occupies: 3, plus 7 on key frames with dimensions.
    public var encodedSize: Int { dimensions == nil ? 3 : 10 }

    /// Writes the three-byte header and, on key frames with dimensions, start code and sizes.
    public func encode(into writer: inout ByteWriter) {
        let size = firstPartitionSize & 0x7FFFF
        writer.write(UInt8(size & 0x07) << 5 | (showFrame ? 0x10 : 0) | (version & 0x07) << 1
            | (isKeyFrame ? 0 : 1))
        writer.write(UInt8(truncatingIfNeeded: size >> 3))
        writer.write(UInt8(truncatingIfNeeded: size >> 11))
        guard let dimensions else { return }
        writer.write(bytes: Self.startCode)
        writer.write((UInt16(dimensions.horizontalScale & 0x03) << 14 | dimensions.width & 0x3FFF).byteSwapped)
        writer.write((UInt16(dimensions.verticalScale & 0x03) << 14 | dimensions.height & 0x3FFF).byteSwapped)
    }
}
