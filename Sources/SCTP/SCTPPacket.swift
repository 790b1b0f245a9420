import Wire

/// An SCTP packet (RFC 9260 §3): the common header and its chunks. Over DTLS (RFC 8261) one packet is one DTLS
/// record, so there are no IP addresses here, only the ports SDP's a=sctp-port names.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |     Source Port Number        |     Destination Port Number   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                      Verification Tag                         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                           Checksum                            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     \                                                               \
///     /                            Chunks                             /
///     \                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct SCTPPacket: Equatable, Sendable {
    /// The sender's port.
    public var sourcePort: UInt16
    /// The receiver's port.
    public var destinationPort: UInt16
    /// The receiver's verification tag (zero on an INIT).
    public var verificationTag: UInt32
    /// The chunks, in order.
    public var chunks: [SCTPChunk]

    /// Size of the common header.
    public static let headerSize = 12

    /// A packet from its fields; the checksum is computed by `encode`.
    public init(sourcePort: UInt16, destinationPort: UInt16, verificationTag: UInt32, chunks: [SCTPChunk]) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.verificationTag = verificationTag
        self.chunks = chunks
    }

    /// Parses a packet, checking its CRC32c unless `verifyChecksum` is false (fuzzing feeds arbitrary checksums).
    public init(parsing bytes: ArraySlice<UInt8>, verifyChecksum: Bool = true) throws(SCTPParseError) {
        let header = try SCTPCommonHeader(parsing: bytes, verifyChecksum: verifyChecksum)
        sourcePort = header.sourcePort
        destinationPort = header.destinationPort
        verificationTag = header.verificationTag
        chunks = []
        var reader = ByteReader(bytes.dropFirst(Self.headerSize))
        while !reader.isAtEnd { chunks.append(try SCTPChunk(reading: &reader)) }
    }

    /// Bytes the packet occupies.
    public var encodedSize: Int { Self.headerSize + chunks.reduce(0) { $0 + $1.encodedSize } }

    /// Writes the packet with its checksum.
    public func encode(into writer: inout ByteWriter) {
        let start = writer.count
        SCTPCommonHeader.write(sourcePort: sourcePort, destinationPort: destinationPort,
                               verificationTag: verificationTag, into: &writer)
        for chunk in chunks { chunk.encode(into: &writer) }
        SCTPCommonHeader.patchChecksum(in: &writer, packetStart: start)
    }

    /// The packet as bytes.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: encodedSize)
        encode(into: &writer)
        return writer.bytes
    }
}

/// The common header alone, checked, for the association's receive path, which walks the chunks itself instead of
/// building an array of them.
struct SCTPCommonHeader {
    var sourcePort: UInt16
    var destinationPort: UInt16
    var verificationTag: UInt32

    init(parsing bytes: ArraySlice<UInt8>, verifyChecksum: Bool) throws(SCTPParseError) {
        var reader = ByteReader(bytes)
        sourcePort = try reader.u16()
        destinationPort = try reader.u16()
        verificationTag = try reader.u32()
        let checksum = try reader.u32()
        if verifyChecksum {
            // The checksum is stored little-endian on the wire (RFC 9260 Appendix A: the CRC's bytes go out in
            // the order the reflected algorithm produces them).
            let computed = CRC32c.checksum(bytes, zeroingFourBytesAt: 8)
            guard computed == checksum.byteSwapped else {
                throw .badChecksum(expected: computed, received: checksum.byteSwapped)
            }
        }
    }

    static func write(sourcePort: UInt16, destinationPort: UInt16, verificationTag: UInt32,
                      into writer: inout ByteWriter) {
        writer.write(sourcePort)
        writer.write(destinationPort)
        writer.write(verificationTag)
        writer.write(UInt32(0))
    }

    /// Sums the packet written from `packetStart` and stores the checksum in its header.
    static func patchChecksum(in writer: inout ByteWriter, packetStart: Int) {
        let checksum = CRC32c.checksum(writer.bytes[packetStart...])
        writer.patch(checksum.byteSwapped, at: packetStart + 8)
    }
}
