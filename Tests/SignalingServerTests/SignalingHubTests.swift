import Signaling
import SignalingServer
import Testing

/// Drives a hub with scripted connections; socket ids are `s1`, `s2`, ... in connection order.
struct HubHarness {
    var hub: SignalingHub
    var now: Double = 1_000

    init(token: String? = nil, iceServers: [ICEServer] = [], turnREST: TURNRESTSecret? = nil) {
        self.init(configuration: SignalingHubConfiguration(token: token, iceServers: iceServers, turnREST: turnREST))
    }

    init(configuration: SignalingHubConfiguration) {
        let counter = Counter()
        hub = SignalingHub(configuration: configuration) { "s\(counter.next())" }
    }

    /// Sends `text` from `connection` with the authorization the server decided for a CONNECT.
    mutating func send(_ connection: String, _ text: String, authorization: ConnectAuthorization) -> [SignalingHub.Output] {
        guard let packet = try? SocketIOPacket(text: text) else {
            Issue.record("bad packet in test: \(text)")
            return []
        }
        return hub.receive(packet, from: connection, now: now, authorization: authorization)
    }

    mutating func send(_ connection: String, _ text: String) -> [SignalingHub.Output] {
        guard let packet = try? SocketIOPacket(text: text) else {
            Issue.record("bad packet in test: \(text)")
            return []
        }
        return hub.receive(packet, from: connection, now: now)
    }

    /// Connects `connection` with a name and joins `room`; returns the socket id.
    mutating func enter(_ connection: String, name: String, room: String) -> String {
        _ = send(connection, #"0{"name":"\#(name)"}"#)
        _ = send(connection, #"2["join",{"room":"\#(room)","name":"\#(name)"}]"#)
        return hub.socketID(of: connection) ?? ""
    }
}

/// A counter for socket ids (the hub needs a `@Sendable` id source; tests call it from one task).
final class Counter: @unchecked Sendable {
    private var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}

/// The packets sent, as text, per connection.
func texts(_ outputs: [SignalingHub.Output]) -> [String] {
    outputs.map { output in
        switch output {
        case .send(let connection, let packet): "\(connection) \(packet.encoded)"
        case .release(let connection): "\(connection) released"
        case .publish(let message): "bus \(message.serialized)"
        }
    }
}

@Suite struct SignalingHubTests {
    @Test func connectAssignsSocketID() {
        var harness = HubHarness()
        #expect(texts(harness.send("c1", "0")) == [#"c1 0{"sid":"s1"}"#])
        #expect(harness.hub.participantCount == 1)
        #expect(texts(harness.send("c1", "0/admin,")) == [#"c1 4/admin,{"message":"Invalid namespace"}"#])
    }

    @Test func tokenIsRequiredWhenConfigured() {
        var harness = HubHarness(token: "secret")
        #expect(texts(harness.send("c1", "0")) == [#"c1 4{"message":"authentication required"}"#])
        #expect(texts(harness.send("c1", #"0{"token":"wrong"}"#)) == [#"c1 4{"message":"invalid token"}"#])
        #expect(harness.hub.participantCount == 0)
        #expect(texts(harness.send("c1", #"2["join",{"room":"r","name":"a"}]"#)).isEmpty)
        #expect(texts(harness.send("c1", #"0{"token":"secret"}"#)) == [#"c1 0{"sid":"s1"}"#])
    }

    @Test func joinListsPeersAndAnnounces() {
        let stun = ICEServer(urls: ["stun:127.0.0.1:3478"])
        var harness = HubHarness(iceServers: [stun])
        _ = harness.send("c1", "0")
        #expect(texts(harness.send("c1", #"21["join",{"room":"r","name":"alice"}]"#)) == [
            #"c1 31[{"iceServers":[{"urls":["stun:127.0.0.1:3478"]}],"ok":true,"peers":[],"#
                + #""self":{"id":"s1","name":"alice"}}]"#,
        ])
        _ = harness.send("c2", "0")
        #expect(texts(harness.send("c2", #"22["join",{"room":"r","name":"bob"}]"#)) == [
            #"c1 2["peer-joined",{"id":"s2","name":"bob","room":"r"}]"#,
            #"c2 32[{"iceServers":[{"urls":["stun:127.0.0.1:3478"]}],"ok":true,"#
                + #""peers":[{"id":"s1","name":"alice"}],"self":{"id":"s2","name":"bob"}}]"#,
        ])
        // Joining again is idempotent: no second announcement.
        #expect(texts(harness.send("c2", #"2["join",{"room":"r","name":"bob"}]"#)).isEmpty)
        #expect(harness.hub.roomCount == 1)
    }

    @Test func chatReachesEveryoneIncludingSender() {
        var harness = HubHarness()
        _ = harness.enter("c1", name: "alice", room: "r")
        _ = harness.enter("c2", name: "bob", room: "r")
        _ = harness.enter("c3", name: "carol", room: "other")
        harness.now = 42
        #expect(texts(harness.send("c1", #"27["chat",{"room":"r","text":"hi"}]"#)) == [
            #"c1 2["chat",{"from":"s1","name":"alice","room":"r","text":"hi","ts":42}]"#,
            #"c2 2["chat",{"from":"s1","name":"alice","room":"r","text":"hi","ts":42}]"#,
            #"c1 37[{"ok":true}]"#,
        ])
        #expect(texts(harness.send("c3", #"28["chat",{"room":"r","text":"hi"}]"#)) == [
            #"c3 38[{"error":"not-in-room","message":"you are not in room r","ok":false}]"#,
        ])
    }

    @Test func relaysOnlyWithinSharedRooms() {
        var harness = HubHarness()
        let alice = harness.enter("c1", name: "alice", room: "r")
        let bob = harness.enter("c2", name: "bob", room: "r")
        let carol = harness.enter("c3", name: "carol", room: "other")
        #expect(texts(harness.send("c1", #"23["call",{"to":"\#(bob)"}]"#)) == [
            #"c2 2["incomingCall",{"from":"s1","name":"alice"}]"#, #"c1 33[{"ok":true}]"#,
        ])
        #expect(harness.hub.inCall(alice, bob))
        #expect(texts(harness.send("c2", #"2["accept",{"to":"\#(alice)"}]"#))
            == [#"c1 2["callAccepted",{"from":"s2"}]"#])
        #expect(texts(harness.send("c1", #"2["offer",{"to":"\#(bob)","sdp":"v=0"}]"#))
            == [#"c2 2["offer",{"from":"s1","sdp":"v=0"}]"#])
        #expect(texts(harness.send("c2", #"2["answer",{"to":"\#(alice)","sdp":"v=0"}]"#))
            == [#"c1 2["answer",{"from":"s2","sdp":"v=0"}]"#])
        #expect(texts(harness.send("c2", #"2["candidate",{"to":"\#(alice)","candidate":null}]"#))
            == [#"c1 2["candidate",{"candidate":null,"from":"s2"}]"#])
        #expect(texts(harness.send("c1", #"2["hangup",{"to":"\#(bob)"}]"#)) == [#"c2 2["hangup",{"from":"s1"}]"#])
        #expect(!harness.hub.inCall(alice, bob))
        #expect(texts(harness.send("c1", #"24["call",{"to":"\#(carol)"}]"#)) == [
            #"c1 34[{"error":"not-in-room","message":"s3 shares no room with you","ok":false}]"#,
        ])
        let unknown = texts(harness.send("c1", #"25["offer",{"to":"nobody","sdp":"v=0"}]"#))
        #expect(unknown.first?.contains("not-in-room") == true)
        _ = harness.send("c1", #"2["call",{"to":"\#(bob)"}]"#)
        #expect(texts(harness.send("c2", #"2["reject",{"to":"\#(alice)","reason":"busy"}]"#))
            == [#"c1 2["callRejected",{"from":"s2","reason":"busy"}]"#])
        #expect(!harness.hub.inCall(alice, bob))
    }

    @Test func malformedPayloadsGetBadRequestAndChangeNothing() {
        var harness = HubHarness()
        _ = harness.send("c1", "0")
        for text in [#"21["join"]"#, #"21["join",{"room":""}]"#, #"21["chat",{"room":"r"}]"#, #"21[7,{}]"#,
                     #"21["fly",{}]"#, #"51-1["join",{"_placeholder":true,"num":0}]"#] {
            let outputs = texts(harness.send("c1", text))
            #expect(outputs.count == 1 && outputs[0].hasPrefix(#"c1 31[{"error":"bad-request","message":"#), "\(text)")
        }
        #expect(harness.hub.roomCount == 0)
    }

    @Test func disconnectHangsUpAndLeaves() {
        var harness = HubHarness()
        let alice = harness.enter("c1", name: "alice", room: "r")
        _ = harness.enter("c2", name: "bob", room: "r")
        _ = harness.send("c2", #"2["join",{"room":"q","name":"bob"}]"#)
        _ = harness.enter("c3", name: "carol", room: "q")
        _ = harness.send("c1", #"2["join",{"room":"q","name":"alice"}]"#)
        _ = harness.send("c2", #"2["call",{"to":"\#(alice)"}]"#)
        #expect(texts(harness.hub.disconnect("c1")) == [
            #"c2 2["hangup",{"from":"s1"}]"#,
            #"c2 2["peer-left",{"id":"s1","room":"q"}]"#, #"c3 2["peer-left",{"id":"s1","room":"q"}]"#,
            #"c2 2["peer-left",{"id":"s1","room":"r"}]"#,
        ])
        #expect(harness.hub.participantCount == 2)
        #expect(harness.hub.roomCount == 2)
        #expect(harness.hub.disconnect("c1").isEmpty)
    }

    @Test func leaveAnnouncesAndEndsMembership() {
        var harness = HubHarness()
        _ = harness.enter("c1", name: "alice", room: "r")
        let bob = harness.enter("c2", name: "bob", room: "r")
        #expect(texts(harness.send("c1", #"29["leave",{"room":"r"}]"#)) == [
            #"c2 2["peer-left",{"id":"s1","room":"r"}]"#, #"c1 39[{"ok":true}]"#,
        ])
        #expect(texts(harness.send("c1", #"29["call",{"to":"\#(bob)"}]"#)).first?.contains("not-in-room") == true)
        #expect(texts(harness.send("c1", #"29["leave",{"room":"r"}]"#)).first?.contains("not-in-room") == true)
        #expect(harness.hub.rooms(of: bob) == ["r"])
    }

    @Test func clientDisconnectPacketLeavesRooms() {
        var harness = HubHarness()
        _ = harness.enter("c1", name: "alice", room: "r")
        _ = harness.enter("c2", name: "bob", room: "r")
        #expect(texts(harness.send("c1", "1")) == [#"c2 2["peer-left",{"id":"s1","room":"r"}]"#])
        #expect(harness.hub.participantCount == 1)
    }
}
