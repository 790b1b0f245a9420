/// Reassembles binary Socket.IO packets from Engine.IO messages (socket.io-protocol v5, "Packet encoding": a
/// BINARY_EVENT or BINARY_ACK is followed by as many binary messages as it announces). Plain packets pass straight
/// through. Sans-IO: feed it each Engine.IO message in order.
public struct SocketIOPacketAssembler: Sendable {
    private var pending: SocketIOPacket?

    /// An assembler waiting for a packet.
    public init() {}

    /// Whether a binary packet is waiting for attachments.
    public var isAwaitingAttachments: Bool { pending != nil }

    /// A text message: returns the packet if it is complete, `nil` if it waits for attachments. A text message
    /// while attachments are expected abandons the unfinished packet, as socket.io's own decoder refuses it.
    public mutating func receive(text: String) throws(SocketIOError) -> SocketIOPacket? {
        pending = nil
        let packet = try SocketIOPacket(text: text)
        if packet.kind.isBinary, packet.attachmentCount > 0 {
            pending = packet
            return nil
        }
        return packet
    }

    /// A binary message: returns the packet when this was its last attachment.
    public mutating func receive(binary: [UInt8]) throws(SocketIOError) -> SocketIOPacket? {
        guard var packet = pending else { throw .unexpectedAttachment }
        packet.attachments.append(binary)
        if packet.attachments.count == packet.attachmentCount {
            pending = nil
            return packet
        }
        pending = packet
        return nil
    }

    /// The Engine.IO messages that carry `packet`: its text, then each attachment.
    public static func messages(for packet: SocketIOPacket) -> [EngineIOPacket] {
        [.message(packet.encoded)] + packet.attachments.map { .binaryMessage($0) }
    }

    /// The placeholder object that stands for attachment `index` in binary packet data.
    public static func placeholder(_ index: Int) -> JSONValue {
        .object(["_placeholder": .bool(true), "num": .number(Double(index))])
    }

    /// The attachment index a placeholder stands for, or `nil` if `value` is not a placeholder.
    public static func placeholderIndex(_ value: JSONValue) -> Int? {
        guard value["_placeholder"]?.boolValue == true, let index = value["num"]?.intValue else { return nil }
        return index
    }
}
