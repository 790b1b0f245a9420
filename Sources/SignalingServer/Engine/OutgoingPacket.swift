import NIOCore
import Signaling

/// An Engine.IO packet on its way to a client, with its WebSocket frame payload already encoded. The recipients of a
/// broadcast share one `OutgoingPacket`, so its bytes are serialized once and never copied per recipient
/// (`ByteBuffer` is copy-on-write, and NIO writes it to each socket as it is).
struct OutgoingPacket: Sendable {
    /// The packet, for the polling transport (which joins packets into one payload).
    let packet: EngineIOPacket
    /// Whether the WebSocket frame is a text frame (else binary).
    let isText: Bool
    /// The WebSocket frame's payload.
    let bytes: ByteBuffer

    init(_ packet: EngineIOPacket) {
        self.packet = packet
        switch packet.frame {
        case .text(let text):
            isText = true
            bytes = ByteBuffer(string: text)
        case .binary(let data):
            isText = false
            bytes = ByteBuffer(bytes: data)
        }
    }

    /// The Engine.IO messages carrying a Socket.IO packet, encoded.
    static func messages(for packet: SocketIOPacket) -> [OutgoingPacket] {
        SocketIOPacketAssembler.messages(for: packet).map(OutgoingPacket.init)
    }
}
