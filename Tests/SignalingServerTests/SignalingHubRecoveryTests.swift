import Signaling
@testable import SignalingServer
import Testing

/// Connection state recovery (PROTOCOL.md): same id, rooms and calls, the missed events, and nobody else notices.
@Suite struct SignalingHubRecoveryTests {
    func harness(window: Double = 120_000) -> HubHarness {
        HubHarness(configuration: SignalingHubConfiguration(recoveryWindow: window))
    }

    /// Connects with `auth.recover` and joins `room`; returns the CONNECT ack's `pid`.
    func enterRecoverable(_ harness: inout HubHarness, _ connection: String, name: String, room: String) -> String {
        let ack = harness.send(connection, #"0{"name":"\#(name)","recover":true}"#)
        _ = harness.send(connection, #"2["join",{"room":"\#(room)","name":"\#(name)"}]"#)
        guard case .send(_, let packet) = ack.first else { return "" }
        return packet.data?["pid"]?.stringValue ?? ""
    }

    @Test func plainClientsGetNoPidAndNoOffsets() {
        var harness = harness()
        #expect(texts(harness.send("c1", #"0{"name":"a"}"#)) == [#"c1 0{"sid":"s1"}"#])
        _ = harness.send("c1", #"2["join",{"room":"r","name":"a"}]"#)
        _ = harness.send("c2", #"0{"name":"b"}"#)
        let outputs = texts(harness.send("c2", #"2["join",{"room":"r","name":"b"}]"#))
        #expect(outputs.contains(#"c1 2["peer-joined",{"id":"s2","name":"b","room":"r"}]"#))
        // A plain client that drops is disconnected at once.
        let dropped = texts(harness.hub.drop("c1", now: harness.now))
        #expect(dropped == [#"c2 2["peer-left",{"id":"s1","room":"r"}]"#])
    }

    @Test func droppedParticipantComesBackWithItsIDCallAndMissedEvents() {
        var harness = harness()
        let pid = enterRecoverable(&harness, "c1", name: "alice", room: "r")
        #expect(!pid.isEmpty)
        let bob = harness.enter("c2", name: "bob", room: "r")
        _ = harness.send("c2", #"2["call",{"to":"s1"}]"#)
        _ = harness.send("c1", #"2["accept",{"to":"\#(bob)"}]"#)
        #expect(harness.hub.inCall("s1", bob))

        // The connection drops: bob hears nothing, alice's events are kept.
        #expect(harness.hub.drop("c1", now: harness.now).isEmpty)
        let chat = texts(harness.send("c2", #"2["chat",{"room":"r","text":"missed"}]"#))
        #expect(chat.count == 1 && chat[0].hasPrefix("c2 "))
        #expect(harness.hub.expire(now: harness.now + 60_000).isEmpty)

        // Back within the window, on a new connection, with the last offset seen before the drop.
        let outputs = texts(harness.send("c3", #"0{"name":"alice","pid":"\#(pid)","offset":"2"}"#))
        #expect(outputs.first == #"c3 0{"pid":"\#(pid)","sid":"s1"}"#)
        #expect(outputs.count == 2 && outputs[1].contains("missed"))
        #expect(harness.hub.socketID(of: "c3") == "s1")
        #expect(harness.hub.inCall("s1", bob))
        #expect(harness.hub.rooms(of: "s1") == ["r"])
        #expect(harness.hub.stats.recoveries == 1)
    }

    @Test func offsetsLetTheClientSkipWhatItAlreadyHas() {
        var harness = harness()
        let pid = enterRecoverable(&harness, "c1", name: "alice", room: "r")
        _ = harness.enter("c2", name: "bob", room: "r")  // offset 1: peer-joined
        let first = texts(harness.send("c2", #"2["chat",{"room":"r","text":"one"}]"#))  // offset 2
        #expect(first.contains { $0.hasPrefix("c1 ") && $0.hasSuffix(#","2"]"#) })
        _ = harness.hub.drop("c1", now: harness.now)
        _ = harness.send("c2", #"2["chat",{"room":"r","text":"two"}]"#)  // offset 3
        // The client had seen offset 1 only: "one" was lost in flight, so it is replayed too.
        let outputs = texts(harness.send("c3", #"0{"pid":"\#(pid)","offset":"1"}"#))
        #expect(outputs.count == 3 && outputs[1].contains("one") && outputs[2].contains("two"))
    }

    @Test func theWindowEndsWithPeerLeftAndHangup() {
        var harness = harness(window: 10_000)
        let pid = enterRecoverable(&harness, "c1", name: "alice", room: "r")
        _ = harness.enter("c2", name: "bob", room: "r")
        _ = harness.send("c2", #"2["call",{"to":"s1"}]"#)
        _ = harness.hub.drop("c1", now: harness.now)
        #expect(harness.hub.expire(now: harness.now + 9_999).isEmpty)
        let outputs = texts(harness.hub.expire(now: harness.now + 10_000))
        #expect(outputs == [#"c2 2["hangup",{"from":"s1"}]"#, #"c2 2["peer-left",{"id":"s1","room":"r"}]"#])
        // Too late: a new participant.
        let late = texts(harness.send("c3", #"0{"pid":"\#(pid)"}"#))
        #expect(late.count == 1 && !late[0].contains(#""sid":"s1""#))
    }

    @Test func aNewConnectionTakesOverAConnectionNotYetKnownDead() {
        var harness = harness()
        let pid = enterRecoverable(&harness, "c1", name: "alice", room: "r")
        _ = harness.enter("c2", name: "bob", room: "r")
        let outputs = texts(harness.send("c3", #"0{"pid":"\#(pid)"}"#))
        #expect(outputs.first == "c1 released")
        #expect(harness.hub.socketID(of: "c3") == "s1")
        #expect(harness.hub.socketID(of: "c1") == nil)
        // The old connection's close is then a no-op.
        #expect(harness.hub.drop("c1", now: harness.now).isEmpty)
        #expect(harness.hub.disconnect("c1").isEmpty)
    }

    @Test func anExplicitDisconnectIsNotRecoverable() {
        var harness = harness()
        _ = enterRecoverable(&harness, "c1", name: "alice", room: "r")
        _ = harness.enter("c2", name: "bob", room: "r")
        #expect(texts(harness.send("c1", "1")) == [#"c2 2["peer-left",{"id":"s1","room":"r"}]"#])
    }
}
