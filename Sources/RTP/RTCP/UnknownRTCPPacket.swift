import Wire

/// An RTCP packet this module does not interpret (APP, XR, other feedback types), kept verbatim so a compound
/// packet re-encodes byte for byte.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|  count  |      PT       |             length            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                      body (length x 4 bytes)                  |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct UnknownRTCPPacket: Equatable, Sendable {
    /// The five-bit count or FMT field.
    public var count: UInt8
    /// The packet type.
    public var packetType: UInt8
    /// Everything after the header, without padding; zero-padded to a word boundary when written.
    public var body: ArraySlice<UInt8>

    /// A packet from its fields.
    public init(count: UInt8, packetType: UInt8, body: ArraySlice<UInt8>) {
        self.count = count & 0x1F
        self.packetType = packetType
        self.body = body
    }

    /// Parses one stand-alone packet of any type.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(bytes)
        let (header, body) = try RTCPHeader.readPacket(from: &reader)
        guard reader.isAtEnd else { throw .invalidLength("\(reader.remaining) bytes follow the packet") }
        self.init(count: header.count, packetType: header.packetType, body: body)
    }

    var bodySize: Int { body.count + paddingToWord(body.count) }

    /// Bytes the packet occupies.
    public var encodedSize: Int { 4 + bodySize }

    /// Writes the packet with its header.
    public func encode(into writer: inout ByteWriter) { encode(into: &writer, paddingLength: 0) }

    func encode(into writer: inout ByteWriter, paddingLength: Int) {
        RTCPHeader.write(count: count, packetType: packetType, bodySize: bodySize, paddingLength: paddingLength,
                         into: &writer)
        writer.write(bytes: body)
        writer.writeZeros(paddingToWord(body.count))
        RTCPHeader.writePadding(paddingLength, into: &writer)
    }
}
