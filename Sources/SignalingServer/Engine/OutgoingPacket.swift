import NIOCore
import Signaling

/// An Engine.IO packet on its way to a client, with its whole WebSocket frame already encoded. The recipients of a
/// broadcast share one `OutgoingPacket`, so its bytes are serialized and framed once and never copied per
/// recipient (`ByteBuffer` is copy-on-write, and NIO writes it to each socket as it is).
final class OutgoingPacket: Sendable {
    /// The packet, for the polling transport (which joins packets into one payload).
    let packet: EngineIOPacket
    /// The WebSocket frame (RFC 6455 section 5.2; a server's frames are unmasked): FIN, the opcode (text, or binary
    /// for a binary message), the payload length in 7, 7+16 or 7+64 bits, then the payload.
    let frame: ByteBuffer

    init(_ packet: EngineIOPacket) {
        self.packet = packet
        let opcode: UInt8
        var payload: ByteBuffer
        switch packet.frame {
        case .text(let text):
            opcode = 0x1
            payload = ByteBuffer(string: text)
        case .binary(let data):
            opcode = 0x2
            payload = ByteBuffer(bytes: data)
        }
        let length = payload.readableBytes
        var frame = ByteBuffer()
        frame.reserveCapacity(length + 10)
        frame.writeInteger(0x80 | opcode)
        if length < 126 {
            frame.writeInteger(UInt8(length))
        } else if length <= 0xFFFF {
            frame.writeInteger(UInt8(126))
            frame.writeInteger(UInt16(length))
        } else {
            frame.writeInteger(UInt8(127))
            frame.writeInteger(UInt64(length))
        }
        frame.writeBuffer(&payload)
        self.frame = frame
    }

    /// The Engine.IO messages carrying a Socket.IO packet, encoded.
    static func messages(for packet: SocketIOPacket) -> [OutgoingPacket] {
        SocketIOPacketAssembler.messages(for: packet).map(OutgoingPacket.init)
    }
}
