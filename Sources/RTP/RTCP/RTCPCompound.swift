import Wire

/// The RTCP packets of one datagram (RFC 3550 §6.1): packets stacked back to back, each announcing its own length,
/// with padding allowed only on the last.
public struct RTCPCompound: Equatable, Sendable {
    /// The packets, in wire order.
    public var packets: [RTCPPacket]
    /// Padding after the last packet including its count byte (a multiple of four, rounded down when written;
    /// 0 for none). Used by encryption that needs block-sized packets (RFC 3550 §6.4.1).
    public var paddingLength: UInt8

    /// A compound packet from its parts.
    public init(packets: [RTCPPacket], paddingLength: UInt8 = 0) {
        self.packets = packets
        self.paddingLength = paddingLength
    }

    /// Parses every packet of a datagram (SRTCP already removed). Fails when empty, when a length field points
    /// past the end, when a version is not 2, or when a packet other than the last has the P bit.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        guard !bytes.isEmpty else { throw .truncated(needed: 4, available: 0) }
        var reader = ByteReader(bytes)
        packets = []
        paddingLength = 0
        while !reader.isAtEnd {
            let (header, body) = try RTCPHeader.readPacket(from: &reader)
            if header.padding {
                // readPacket checked that the padded packet is last and its count fits. A count that is not a
                // multiple of four is libwebrtc aligning a transport-wide feedback body: part of that packet's
                // encoding (ours writes it as zeros), not padding of the compound.
                let count = bytes.last ?? 0
                paddingLength = count % 4 == 0 ? count : 0
            }
            packets.append(try RTCPPacket(header: header, body: body))
        }
    }

    /// Parses every packet of a datagram.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        try self.init(parsing: bytes[...])
    }

    /// The padding actually written: rounded down to a multiple of four, because RTCP lengths count whole words.
    var writtenPadding: Int { packets.isEmpty ? 0 : Int(paddingLength & ~3) }

    /// Bytes the compound packet occupies.
    public var encodedSize: Int {
        packets.reduce(0) { $0 + $1.encodedSize } + writtenPadding
    }

    /// Writes every packet; padding, if any, goes on the last one.
    public func encode(into writer: inout ByteWriter) {
        for (index, packet) in packets.enumerated() {
            packet.encode(into: &writer, paddingLength: index == packets.count - 1 ? writtenPadding : 0)
        }
    }

    /// The encoded datagram as a new array.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: encodedSize)
        encode(into: &writer)
        return writer.bytes
    }
}
