/// The HTTP long-polling payload of Engine.IO v4 (engine.io-protocol, "HTTP long-polling"): packets joined by the
/// record separator U+001E; a binary message is the letter `b` followed by its base64 (RFC 4648) encoding.
public enum EngineIOPayload {
    /// The record separator between packets.
    public static let separator: UInt8 = 0x1E

    /// Encodes packets as one polling body.
    public static func encode(_ packets: [EngineIOPacket]) -> String {
        packets.map { packet in
            if case .binaryMessage(let bytes) = packet { return "b" + Base64.encode(bytes) }
            return packet.text ?? ""
        }.joined(separator: "\u{1E}")
    }

    /// Decodes a polling body. An empty body is no packets.
    public static func decode(_ body: [UInt8], maximumSize: Int = .max) throws(EngineIOError) -> [EngineIOPacket] {
        guard body.count <= maximumSize else { throw .payloadTooLarge }
        guard !body.isEmpty else { return [] }
        var packets: [EngineIOPacket] = []
        for record in body.split(separator: separator, omittingEmptySubsequences: false) {
            if record.first == UInt8(ascii: "b") {
                guard let bytes = Base64.decode(record.dropFirst()) else { throw .invalidBase64 }
                packets.append(.binaryMessage(bytes))
            } else {
                packets.append(try EngineIOPacket(text: String(decoding: record, as: UTF8.self)))
            }
        }
        return packets
    }

    /// Decodes a polling body given as a string.
    public static func decode(_ body: String, maximumSize: Int = .max) throws(EngineIOError) -> [EngineIOPacket] {
        try decode(Array(body.utf8), maximumSize: maximumSize)
    }
}
