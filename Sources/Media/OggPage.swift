/// One Ogg page (RFC 3533 section 6). All integers are little-endian.
///
/// ```
///   0                   1                   2                   3
///   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1| Byte
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  | capture_pattern: Magic number for page start "OggS"           | 0-3
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  | version       | header_type   | granule_position              | 4-7
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
///  |                                                               | 8-11
///  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  |                               | bitstream_serial_number       | 12-15
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
///  |                               | page_sequence_number          | 16-19
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
///  |                               | CRC_checksum                  | 20-23
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
///  |                               |page_segments  | segment_table | 24-27
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  | ...                                                           | 28-
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// header_type bits: 0x01 continued packet, 0x02 first page (BOS), 0x04 last page (EOS). The segment table holds
/// `page_segments` lacing values; a value below 255 ends a packet, 255 means the packet goes on.
public struct OggPage: Sendable, Equatable {
    /// header_type 0x01: the first packet on this page continues one from the previous page.
    public static let continued: UInt8 = 0x01
    /// header_type 0x02: the first page of a logical bitstream.
    public static let beginningOfStream: UInt8 = 0x02
    /// header_type 0x04: the last page of a logical bitstream.
    public static let endOfStream: UInt8 = 0x04

    /// header_type flags.
    public var headerType: UInt8
    /// Codec-defined position (for Opus: 48 kHz samples) at the end of the last packet completed on this page;
    /// all ones when no packet completes here.
    public var granulePosition: UInt64
    /// Identifies the logical bitstream.
    public var serialNumber: UInt32
    /// Page counter within the logical bitstream.
    public var sequenceNumber: UInt32
    /// Lacing values.
    public var segmentTable: [UInt8]
    /// The page body (the concatenated segments).
    public var body: [UInt8]

    /// A page from its parts.
    public init(
        headerType: UInt8, granulePosition: UInt64, serialNumber: UInt32, sequenceNumber: UInt32,
        segmentTable: [UInt8], body: [UInt8]
    ) {
        self.headerType = headerType
        self.granulePosition = granulePosition
        self.serialNumber = serialNumber
        self.sequenceNumber = sequenceNumber
        self.segmentTable = segmentTable
        self.body = body
    }

    /// A page carrying exactly the packets `packets` (each must end on this page: at most 255 lacing values in
    /// all); throws `MediaError.invalidFrame` when they do not fit.
    public init(
        packets: [[UInt8]], headerType: UInt8, granulePosition: UInt64, serialNumber: UInt32, sequenceNumber: UInt32
    ) throws(MediaError) {
        var table: [UInt8] = []
        var body: [UInt8] = []
        for packet in packets {
            table += [UInt8](repeating: 255, count: packet.count / 255)
            table.append(UInt8(packet.count % 255))
            body += packet
        }
        guard table.count <= 255 else { throw .invalidFrame("packets too large for one Ogg page") }
        self.init(headerType: headerType, granulePosition: granulePosition, serialNumber: serialNumber,
            sequenceNumber: sequenceNumber, segmentTable: table, body: body)
    }

    /// Parses the page starting at `offset` in `bytes` and checks its CRC; `offset` moves past it.
    public init(parsing bytes: [UInt8], offset: inout Int) throws(MediaError) {
        let start = offset
        var reader = LittleEndianReader(bytes, offset: offset)
        guard Array(try reader.readBytes(4)) == Array("OggS".utf8) else {
            throw .malformed(offset: start, reason: "no OggS capture pattern")
        }
        let version = try reader.readUInt8()
        guard version == 0 else { throw .malformed(offset: start + 4, reason: "Ogg version \(version) is not 0") }
        headerType = try reader.readUInt8()
        granulePosition = try reader.readUInt64()
        serialNumber = try reader.readUInt32()
        sequenceNumber = try reader.readUInt32()
        let crc = try reader.readUInt32()
        let count = Int(try reader.readUInt8())
        segmentTable = Array(try reader.readBytes(count))
        let bodySize = segmentTable.reduce(0) { $0 + Int($1) }
        body = Array(try reader.readBytes(bodySize))
        // The CRC covers the whole page with the CRC field itself taken as zero.
        var computed = OggCRC.update(0, bytes[start..<start + 22])
        computed = OggCRC.update(computed, [0, 0, 0, 0] as [UInt8])
        computed = OggCRC.update(computed, bytes[start + 26..<reader.offset])
        guard computed == crc else { throw .checksumMismatch(offset: start) }
        offset = reader.offset
    }

    /// Size of `encoded` in bytes.
    public var encodedSize: Int { 27 + segmentTable.count + body.count }

    /// The page as bytes, with its CRC filled in.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedSize)
        out.appendASCII("OggS")
        out.append(0)
        out.append(headerType)
        out.appendLittleEndian(granulePosition)
        out.appendLittleEndian(serialNumber)
        out.appendLittleEndian(sequenceNumber)
        out.appendLittleEndian(UInt32(0))
        out.append(UInt8(truncatingIfNeeded: segmentTable.count))
        out += segmentTable
        out += body
        out.replaceSubrange(22..<26, with: littleEndianBytes(OggCRC.checksum(out)))
        return out
    }
}
