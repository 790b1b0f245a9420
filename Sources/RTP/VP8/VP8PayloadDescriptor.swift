import Wire

/// The VP8 payload descriptor at the start of every VP8 RTP payload (RFC 7741 §4.2).
///
///            0 1 2 3 4 5 6 7
///           +-+-+-+-+-+-+-+-+
///           |X|R|N|S|R| PID | (REQUIRED)
///           +-+-+-+-+-+-+-+-+
///      X:   |I|L|T|K| RSV   | (OPTIONAL)
///           +-+-+-+-+-+-+-+-+
///      I:   |M| PictureID   | (OPTIONAL)
///           +-+-+-+-+-+-+-+-+
///           |   PictureID   | (present when M = 1: 15-bit PictureID)
///           +-+-+-+-+-+-+-+-+
///      L:   |   TL0PICIDX   | (OPTIONAL)
///           +-+-+-+-+-+-+-+-+
///      T/K: |TID|Y| KEYIDX  | (OPTIONAL)
///           +-+-+-+-+-+-+-+-+
public struct VP8PayloadDescriptor: Equatable, Hashable, Sendable {
    /// A picture ID and its wire width (the M bit): 7 bits (0...127) or 15 bits (0...32767).
    public struct PictureID: Equatable, Hashable, Sendable {
        /// The picture ID value.
        public var value: UInt16
        /// True for the 15-bit form (M = 1).
        public var isLong: Bool

        /// A picture ID; the value keeps the bits its form has room for.
        public init(_ value: UInt16, isLong: Bool = true) {
            self.isLong = isLong
            self.value = value & (isLong ? 0x7FFF : 0x7F)
        }
    }

    /// N: the frame can be discarded without affecting any other frame.
    public var isNonReference: Bool
    /// S: this packet starts a VP8 partition.
    public var isStartOfPartition: Bool
    /// PID: the partition index (0...7) the packet's first byte belongs to.
    public var partitionIndex: UInt8
    /// I: the picture ID, if present.
    public var pictureID: PictureID?
    /// L: temporal level zero picture index, if present.
    public var tl0PictureIndex: UInt8?
    /// T: the temporal layer index (0...3), if present.
    public var temporalLayerIndex: UInt8?
    /// Y: layer sync bit, meaningful only with a temporal layer index.
    public var layerSync: Bool
    /// K: the temporal key frame index (0...31), if present.
    public var keyIndex: UInt8?

    /// A descriptor from its fields; values keep the bits their fields have room for.
    public init(
        isNonReference: Bool = false, isStartOfPartition: Bool, partitionIndex: UInt8 = 0,
        pictureID: PictureID? = nil, tl0PictureIndex: UInt8? = nil, temporalLayerIndex: UInt8? = nil,
        layerSync: Bool = false, keyIndex: UInt8? = nil
    ) {
        self.isNonReference = isNonReference
        self.isStartOfPartition = isStartOfPartition
        self.partitionIndex = partitionIndex & 0x07
        self.pictureID = pictureID
        self.tl0PictureIndex = tl0PictureIndex
        self.temporalLayerIndex = temporalLayerIndex.map { $0 & 0x03 }
        self.layerSync = temporalLayerIndex != nil && layerSync
        self.keyIndex = keyIndex.map { $0 & 0x1F }
    }

    /// Parses the descriptor at the start of `payload`; `reader` is left at the VP8 payload that follows.
    public init(parsing reader: inout ByteReader) throws(RTPError) {
        let first = try reader.u8()
        isNonReference = first & 0x20 != 0
        isStartOfPartition = first & 0x10 != 0
        partitionIndex = first & 0x07
        pictureID = nil
        tl0PictureIndex = nil
        temporalLayerIndex = nil
        layerSync = false
        keyIndex = nil
        guard first & 0x80 != 0 else { return }
        let extended = try reader.u8()
        if extended & 0x80 != 0 {
            let high = try reader.u8()
            if high & 0x80 != 0 {
                pictureID = PictureID(UInt16(high & 0x7F) << 8 | UInt16(try reader.u8()), isLong: true)
            } else {
                pictureID = PictureID(UInt16(high), isLong: false)
            }
        }
        if extended & 0x40 != 0 { tl0PictureIndex = try reader.u8() }
        let hasTemporalLayer = extended & 0x20 != 0
        let hasKeyIndex = extended & 0x10 != 0
        if hasTemporalLayer || hasKeyIndex {
            // T and K share one byte; a field whose flag is clear is ignored (RFC 7741 §4.2).
            let byte = try reader.u8()
            if hasTemporalLayer {
                temporalLayerIndex = byte >> 6
                layerSync = byte & 0x20 != 0
            }
            if hasKeyIndex { keyIndex = byte & 0x1F }
        }
    }

    /// Parses the descriptor of `payload` and returns it with the VP8 bytes that follow it.
    public static func parse(
        _ payload: ArraySlice<UInt8>
    ) throws(RTPError) -> (descriptor: VP8PayloadDescriptor, vp8: ArraySlice<UInt8>) {
        var reader = ByteReader(payload)
        let descriptor = try VP8PayloadDescriptor(parsing: &reader)
        return (descriptor, reader.readRemaining())
    }

    /// True when the packet holds the first bytes of a frame: S = 1 and partition index 0.
    public var startsFrame: Bool { isStartOfPartition && partitionIndex == 0 }

    /// True when the X byte must be written.
    var hasExtension: Bool {
        pictureID != nil || tl0PictureIndex != nil || temporalLayerIndex != nil || keyIndex != nil
    }

    /// Bytes the descriptor occupies.
    public var encodedSize: Int {
        guard hasExtension else { return 1 }
        var size = 2
        if let pictureID { size += pictureID.isLong ? 2 : 1 }
        if tl0PictureIndex != nil { size += 1 }
        if temporalLayerIndex != nil || keyIndex != nil { size += 1 }
        return size
    }

    /// Writes the descriptor; reserved bits are zero.
    public func encode(into writer: inout ByteWriter) {
        var first: UInt8 = partitionIndex & 0x07
        if hasExtension { first |= 0x80 }
        if isNonReference { first |= 0x20 }
        if isStartOfPartition { first |= 0x10 }
        writer.write(first)
        guard hasExtension else { return }
        var extended: UInt8 = 0
        if pictureID != nil { extended |= 0x80 }
        if tl0PictureIndex != nil { extended |= 0x40 }
        if temporalLayerIndex != nil { extended |= 0x20 }
        if keyIndex != nil { extended |= 0x10 }
        writer.write(extended)
        if let pictureID {
            if pictureID.isLong {
                writer.write(0x8000 | pictureID.value & 0x7FFF)
            } else {
                writer.write(UInt8(truncatingIfNeeded: pictureID.value) & 0x7F)
            }
        }
        if let tl0PictureIndex { writer.write(tl0PictureIndex) }
        if temporalLayerIndex != nil || keyIndex != nil {
            var byte: UInt8 = 0
            if let temporalLayerIndex {
                byte |= (temporalLayerIndex & 0x03) << 6
                if layerSync { byte |= 0x20 }
            }
            if let keyIndex { byte |= keyIndex & 0x1F }
            writer.write(byte)
        }
    }

    /// True when `payload` (descriptor included) starts a VP8 key frame: the descriptor says S = 1 and
    /// PID = 0 and the VP8 payload header's inverse key frame bit P is 0 (RFC 7741 §4.3).
    public static func isKeyFrame(_ payload: ArraySlice<UInt8>) -> Bool {
        guard let (descriptor, vp8) = try? parse(payload), descriptor.startsFrame, let first = vp8.first else {
            return false
        }
        return first & 0x01 == 0
    }
}
