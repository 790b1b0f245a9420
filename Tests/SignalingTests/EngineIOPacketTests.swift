import Signaling
import Testing

@Suite struct EngineIOPacketTests {
    @Test func parsesTextPackets() throws {
        #expect(try EngineIOPacket(text: "1") == .close)
        #expect(try EngineIOPacket(text: "2") == .ping(""))
        #expect(try EngineIOPacket(text: "2probe") == .ping("probe"))
        #expect(try EngineIOPacket(text: "3probe") == .pong("probe"))
        #expect(try EngineIOPacket(text: "4hello") == .message("hello"))
        #expect(try EngineIOPacket(text: "5") == .upgrade)
        #expect(try EngineIOPacket(text: "6") == .noop)
        #expect(throws: EngineIOError.emptyPacket) { try EngineIOPacket(text: "") }
        #expect(throws: EngineIOError.unknownType(UInt8(ascii: "7"))) { try EngineIOPacket(text: "7") }
    }

    @Test func handshakeRoundTrips() throws {
        let text = #"0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"#
            + #""pingTimeout":20000,"maxPayload":1000000}"#
        let packet = try EngineIOPacket(text: text)
        let handshake = EngineIOHandshake(sid: "lv_VI97HAXpY6yYWAAAC", upgrades: ["websocket"], pingInterval: 25000,
                                          pingTimeout: 20000, maxPayload: 1_000_000)
        #expect(packet == .open(handshake))
        #expect(try EngineIOPacket(text: packet.text ?? "") == packet)
        #expect(throws: EngineIOError.invalidHandshake) { try EngineIOPacket(text: #"0{"sid":1}"#) }
    }

    @Test func websocketFramesCarryBinaryRaw() throws {
        #expect(EngineIOPacket.binaryMessage([1, 2, 3]).frame == .binary([1, 2, 3]))
        #expect(EngineIOPacket.message("hello").frame == .text("4hello"))
        #expect(try EngineIOPacket(frame: .binary([1, 2, 3])) == .binaryMessage([1, 2, 3]))
    }

    @Test func pollingPayloadUsesRecordSeparatorAndBase64() throws {
        let packets: [EngineIOPacket] = [.message("hello"), .binaryMessage([1, 2, 3])]
        #expect(EngineIOPayload.encode(packets) == "4hello\u{1E}bAQID")
        #expect(try EngineIOPayload.decode("4hello\u{1E}bAQID") == packets)
        #expect(try EngineIOPayload.decode("2probe\u{1E}4€€€\u{1E}1")
            == [.ping("probe"), .message("€€€"), .close])
        #expect(try EngineIOPayload.decode("") == [])
        #expect(try EngineIOPayload.decode("b") == [.binaryMessage([])])
        #expect(try EngineIOPayload.decode("bAQ==\u{1E}bAQI=") == [.binaryMessage([1]), .binaryMessage([1, 2])])
        #expect(throws: EngineIOError.invalidBase64) { try EngineIOPayload.decode("bAQ=") }
        #expect(throws: EngineIOError.invalidBase64) { try EngineIOPayload.decode("b=AQI") }
        #expect(throws: EngineIOError.emptyPacket) { try EngineIOPayload.decode("4a\u{1E}") }
        #expect(throws: EngineIOError.payloadTooLarge) { try EngineIOPayload.decode("4hello", maximumSize: 5) }
    }
}
