import Wire

/// An RTCP BYE packet (RFC 3550 §6.6): sources leaving the session, with an optional reason.
///
///            0                   1                   2                   3
///            0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///           +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///           |V=2|P|    SC   |   PT=BYE=203  |             length            |
///           +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///           |                           SSRC/CSRC                           |
///           +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///           :                              ...                              :
///           +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     (opt) |     length    |               reason for leaving            ...
///           +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct Goodbye: Equatable, Sendable {
    /// The leaving sources (at most 31 are written).
    public var sources: [SSRC]
    /// Why they leave, as UTF-8 bytes (at most 255 are written); nil when absent.
    public var reason: ArraySlice<UInt8>?

    /// A packet from its fields.
    public init(sources: [SSRC], reason: String? = nil) {
        self.sources = sources
        self.reason = reason.map { Array($0.utf8)[...] }
    }

    /// Parses a stand-alone BYE packet.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        let (header, body) = try RTCPHeader.parseSingle(bytes, packetType: RTCPHeader.goodbye)
        try self.init(count: header.count, body: body)
    }

    /// Parses the body that follows the common header; `count` is the SC field.
    init(count: UInt8, body: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(body)
        guard reader.remaining >= Int(count) * 4 else {
            throw .invalidLength("BYE lists \(count) sources but has \(reader.remaining) bytes")
        }
        sources = []
        sources.reserveCapacity(Int(count))
        for _ in 0..<count { sources.append(try reader.ssrc()) }
        if reader.isAtEnd {
            reason = nil
        } else {
            let length = Int(try reader.u8())
            reason = try reader.bytes(length)
        }
    }

    /// The reason as text, if present and valid UTF-8.
    public var reasonText: String? { reason.flatMap { String(validating: $0, as: UTF8.self) } }

    var sourceCount: Int { min(sources.count, 31) }
    var reasonSize: Int {
        guard let reason else { return 0 }
        let raw = 1 + min(reason.count, 255)
        return raw + paddingToWord(raw)
    }
    var bodySize: Int { 4 * sourceCount + reasonSize }

    /// Bytes the packet occupies.
    public var encodedSize: Int { 4 + bodySize }

    /// Writes the packet with its header.
    public func encode(into writer: inout ByteWriter) { encode(into: &writer, paddingLength: 0) }

    func encode(into writer: inout ByteWriter, paddingLength: Int) {
        RTCPHeader.write(count: UInt8(sourceCount), packetType: RTCPHeader.goodbye, bodySize: bodySize,
                         paddingLength: paddingLength, into: &writer)
        for source in sources.prefix(sourceCount) { writer.write(source.rawValue) }
        if let reason {
            let text = reason.prefix(255)
            writer.write(UInt8(text.count))
            writer.write(bytes: text)
            writer.writeZeros(paddingToWord(1 + text.count))
        }
        RTCPHeader.writePadding(paddingLength, into: &writer)
    }
}
