import Signaling
import Testing

private let handshake = #"0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#

@Test func handshakeIsAnsweredWithConnectCarryingAuth() {
    var session = SignalingClientSession(auth: ["name": "alice", "token": "t"])
    #expect(session.silenceLimit == nil)
    let outputs = session.receive(handshake)
    #expect(outputs == [.send(#"40{"name":"alice","token":"t"}"#)])
    #expect(session.silenceLimit == .milliseconds(45_000))
}

@Test func connectWithoutAuthIsBare() {
    var session = SignalingClientSession(auth: nil)
    #expect(session.receive(handshake) == [.send("40")])
}

@Test func pingIsAnsweredWithPong() {
    var session = SignalingClientSession(auth: nil)
    _ = session.receive(handshake)
    #expect(session.receive("2") == [.send("3")])
}

@Test func connectAckGivesTheSocketID() {
    var session = SignalingClientSession(auth: nil)
    _ = session.receive(handshake)
    #expect(session.receive(#"40{"sid":"s1"}"#) == [.connected(socketID: "s1")])
    #expect(session.socketID == "s1")
}

@Test func connectErrorIsARefusal() {
    var session = SignalingClientSession(auth: nil)
    _ = session.receive(handshake)
    #expect(session.receive(#"44{"message":"invalid token"}"#) == [.refused(message: "invalid token")])
}

@Test func eventsAndAcksAreReported() {
    var session = SignalingClientSession(auth: nil)
    _ = session.receive(handshake)
    #expect(session.receive(#"42["hangup",{"from":"x"}]"#) == [.event(name: "hangup", payload: ["from": "x"])])
    let (id, frame) = session.emit("call", ["to": "x"])
    #expect(id == 0)
    #expect(frame == #"420["call",{"to":"x"}]"#)
    let (second, _) = session.emit("hangup", ["to": "x"])
    #expect(second == 1)
    #expect(session.receive(#"431[{"ok":true}]"#) == [.ack(ackID: 1, payload: ["ok": true])])
}

@Test func closeAndDisconnectEndTheSession() {
    var session = SignalingClientSession(auth: nil)
    #expect(session.receive("1") == [.closed(reason: "the server closed the connection")])
    #expect(session.receive("41") == [.closed(reason: "the server disconnected us")])
}

@Test func garbageIsIgnored() {
    var session = SignalingClientSession(auth: nil)
    for text in ["", "9", "0{", "4", "42[", "43x[]", "0null"] {
        _ = session.receive(text)
    }
    #expect(session.socketID == nil)
}

@Test func webSocketURLIsDerivedFromTheServer() {
    #expect(SignalingClientSession.webSocketURL(server: "http://127.0.0.1:8080") ==
        "ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket")
    #expect(SignalingClientSession.webSocketURL(server: "https://example.org/") ==
        "wss://example.org/socket.io/?EIO=4&transport=websocket")
}

@Test func recoveryPidAndOffsetsAreTracked() {
    var session = SignalingClientSession(auth: ["recover": true])
    _ = session.receive(handshake)
    #expect(session.receive(#"40{"sid":"s1","pid":"p1"}"#) == [.connected(socketID: "s1")])
    #expect(session.pid == "p1" && session.lastOffset == nil)
    // The offset is the last, extra argument; the payload is still the first.
    #expect(session.receive(#"42["chat",{"text":"hi"},"7"]"#) == [.event(name: "chat", payload: ["text": "hi"])])
    #expect(session.lastOffset == "7")
    _ = session.receive(#"42["hangup",{"from":"x"}]"#)
    #expect(session.lastOffset == "7")
}

@Test func withoutAPidTrailingStringsAreNotOffsets() {
    var session = SignalingClientSession(auth: nil)
    _ = session.receive(handshake)
    _ = session.receive(#"40{"sid":"s1"}"#)
    _ = session.receive(#"42["chat",{"text":"hi"},"7"]"#)
    #expect(session.pid == nil && session.lastOffset == nil)
}
