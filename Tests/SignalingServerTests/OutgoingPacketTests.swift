import NIOCore
import Signaling
@testable import SignalingServer
import Testing

/// Engine.IO packets framed once as whole server WebSocket frames (RFC 6455 section 5.2: FIN, opcode, unmasked
/// 7, 7+16 or 7+64-bit payload length).
@Suite struct OutgoingPacketTests {
    static let headers: [(Int, [UInt8])] = [
        (3, [0x81, 3]),
        (125, [0x81, 125]),
        (126, [0x81, 126, 0, 126]),
        (70_000, [0x81, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]),
    ]

    @Test(arguments: headers)
    func framesATextPacket(length: Int, header: [UInt8]) {
        // A message packet is "4" and its text.
        let packet = OutgoingPacket(.message(String(repeating: "x", count: length - 1)))
        let bytes = Array(packet.frame.readableBytesView)
        #expect(Array(bytes.prefix(header.count)) == header)
        #expect(bytes.count == header.count + length)
        #expect(bytes[header.count] == UInt8(ascii: "4"))
    }

    @Test func framesABinaryMessage() {
        let packet = OutgoingPacket(.binaryMessage([1, 2, 3]))
        #expect(Array(packet.frame.readableBytesView) == [0x82, 3, 1, 2, 3])
    }
}
