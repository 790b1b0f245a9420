import Signaling
import Testing

@Suite struct SocketIOPacketTests {
    @Test func connectPackets() throws {
        #expect(try SocketIOPacket(text: "0") == SocketIOPacket(kind: .connect))
        let auth = try SocketIOPacket(text: #"0{"token":"123"}"#)
        #expect(auth.data?["token"] == "123")
        let admin = try SocketIOPacket(text: #"0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}"#)
        #expect(admin.namespace == "/admin")
        #expect(admin.data?["sid"] == "oSO0OpakMV_3jnilAAAA")
        #expect(admin.encoded == #"0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}"#)
        let refused = try SocketIOPacket(text: #"4{"message":"Not authorized"}"#)
        #expect(refused.kind == .connectError)
        #expect(refused.data?["message"] == "Not authorized")
        #expect(try SocketIOPacket(text: "1/admin,") == SocketIOPacket(kind: .disconnect, namespace: "/admin"))
    }

    @Test func eventsAndAcks() throws {
        let event = try SocketIOPacket(text: #"2["foo","bar"]"#)
        #expect(event.event?.name == "foo")
        #expect(event.event?.arguments == ["bar"])
        #expect(event.ackID == nil)
        let withAck = try SocketIOPacket(text: #"212["join",{"name":"bob","room":"r"}]"#)
        #expect(withAck.ackID == 12)
        #expect(withAck == .event("join", [["room": "r", "name": "bob"]], ackID: 12))
        #expect(withAck.encoded == #"212["join",{"name":"bob","room":"r"}]"#)
        let namespaced = try SocketIOPacket(text: #"2/admin,456["project:delete",123]"#)
        #expect(namespaced.namespace == "/admin")
        #expect(namespaced.ackID == 456)
        let ack = try SocketIOPacket(text: #"3/admin,456[]"#)
        #expect(ack == SocketIOPacket(kind: .ack, namespace: "/admin", ackID: 456, data: []))
        #expect(SocketIOPacket.ack(12, [["ok": true]]).encoded == #"312[{"ok":true}]"#)
    }

    @Test(arguments: ["", "7", "9[]", "2", "2{}", "2[]", "3[]", "3", "4", "1[]", #"0"x""#, "2[bad", "5[]", "5-[]",
                      "599-[\"x\"]", "299999999999999999999[\"x\"]"])
    func rejectsMalformed(text: String) {
        #expect(throws: SocketIOError.self) { try SocketIOPacket(text: text) }
    }

    @Test func binaryEventIsReassembledFromAttachments() throws {
        var assembler = SocketIOPacketAssembler()
        let text = #"51-["hello",{"_placeholder":true,"num":0}]"#
        #expect(try assembler.receive(text: text) == nil)
        #expect(assembler.isAwaitingAttachments)
        let packet = try #require(try assembler.receive(binary: [1, 2, 3]))
        #expect(packet.kind == .binaryEvent)
        #expect(packet.attachments == [[1, 2, 3]])
        #expect(packet.event?.arguments.first.flatMap(SocketIOPacketAssembler.placeholderIndex) == 0)
        #expect(packet.encoded == text)
        #expect(SocketIOPacketAssembler.messages(for: packet) == [.message(text), .binaryMessage([1, 2, 3])])
        #expect(throws: SocketIOError.unexpectedAttachment) { try assembler.receive(binary: [0]) }
        let ack = try SocketIOPacket(text: #"61-/admin,456[{"_placeholder":true,"num":0}]"#)
        #expect(ack.kind == .binaryAck && ack.ackID == 456 && ack.attachmentCount == 1 && ack.namespace == "/admin")
    }

    @Test func plainPacketsPassThroughTheAssembler() throws {
        var assembler = SocketIOPacketAssembler()
        #expect(try assembler.receive(text: #"2["a"]"#) == .event("a", []))
        #expect(try assembler.receive(text: #"50-["a"]"#)?.kind == .binaryEvent)
    }
}
