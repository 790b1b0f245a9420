import Signaling
import Testing
import Wire

@Suite struct SignalingMessageTests {
    @Test func validRequestsRoundTrip() throws {
        let requests: [SignalingRequest] = [
            .join(room: "demo", name: "alice"), .leave(room: "demo"), .chat(room: "demo", text: "hi"),
            .call(to: "abc"), .accept(to: "abc"), .reject(to: "abc", reason: "busy"), .reject(to: "abc", reason: nil),
            .offer(to: "abc", sdp: "v=0\r\n"), .answer(to: "abc", sdp: "v=0\r\n"),
            .candidate(to: "abc", candidate: ICECandidateInit(candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host",
                                                              sdpMid: "0", sdpMLineIndex: 0, usernameFragment: "uf")),
            .candidate(to: "abc", candidate: nil), .hangup(to: "abc"),
        ]
        for request in requests {
            #expect(try SignalingRequest(eventName: request.eventName, payload: request.payload) == request)
        }
    }

    @Test func parsesBrowserCandidate() throws {
        let payload = try JSONValue(
            parsing: #"{"to":"x","candidate":{"candidate":"","sdpMid":null,"sdpMLineIndex":null}}"#)
        #expect(try SignalingRequest(eventName: "candidate", payload: payload)
            == .candidate(to: "x", candidate: ICECandidateInit(candidate: "")))
    }

    static let malformed: [(String, JSONValue?)] = [
        ("join", nil), ("join", "room"), ("join", ["room": "r"]), ("join", ["room": "", "name": "a"]),
        ("join", ["room": 5, "name": "a"]), ("join", ["room": .string(String(repeating: "r", count: 65)), "name": "a"]),
        ("leave", [:]), ("chat", ["room": "r"]), ("chat", ["room": "r", "text": ""]),
        ("chat", ["room": "r", "text": .string(String(repeating: "t", count: 4097))]),
        ("call", [:]), ("call", ["to": 1]), ("accept", ["to": ""]), ("hangup", ["to": nil]),
        ("reject", ["to": "a", "reason": 3]), ("offer", ["to": "a"]), ("answer", ["to": "a", "sdp": ["x"]]),
        ("offer", ["to": "a", "sdp": .string(String(repeating: "s", count: 64 * 1024 + 1))]),
        ("candidate", ["to": "a"]), ("candidate", ["to": "a", "candidate": "x"]),
        ("candidate", ["to": "a", "candidate": ["sdpMid": "0"]]),
        ("candidate", ["to": "a", "candidate": ["candidate": "c", "sdpMLineIndex": "0"]]),
        ("dance", [:]),
    ]

    @Test(arguments: malformed)
    func rejectsMalformed(name: String, payload: JSONValue?) {
        #expect(throws: SignalingRequestError.self) { try SignalingRequest(eventName: name, payload: payload) }
    }

    @Test func limitsAreInclusive() throws {
        let room = String(repeating: "é", count: 64)
        #expect(try SignalingRequest(eventName: "join", payload: ["room": .string(room), "name": "n"])
            == .join(room: room, name: "n"))
        let text = String(repeating: "t", count: 4096)
        #expect(try SignalingRequest(eventName: "chat", payload: ["room": "r", "text": .string(text)])
            == .chat(room: "r", text: text))
        let sdp = String(repeating: "s", count: 65536)
        #expect(try SignalingRequest(eventName: "offer", payload: ["to": "a", "sdp": .string(sdp)])
            == .offer(to: "a", sdp: sdp))
    }

    @Test func acks() throws {
        #expect(SignalingAck.ok.json.serialized == #"{"ok":true}"#)
        let failure = SignalingAck.badRequest(SignalingRequestError("room is missing"))
        #expect(failure.json.serialized == #"{"error":"bad-request","message":"room is missing","ok":false}"#)
        let joined = SignalingAck.joined(self: PeerInfo(id: "a", name: "alice"),
                                         peers: [PeerInfo(id: "b", name: "bob")],
                                         iceServers: [ICEServer(urls: ["turn:127.0.0.1:3478"], username: "u",
                                                                credential: "p")])
        #expect(joined.json.serialized == #"{"iceServers":[{"credential":"p","urls":["turn:127.0.0.1:3478"],"#
            + #""username":"u"}],"ok":true,"peers":[{"id":"b","name":"bob"}],"self":{"id":"a","name":"alice"}}"#)
        for ack in [SignalingAck.ok, failure, joined] {
            #expect(SignalingAck(json: ack.json) == ack)
        }
    }

    @Test func eventsRoundTrip() {
        let events: [SignalingEvent] = [
            .peerJoined(room: "r", id: "a", name: "alice"), .peerLeft(room: "r", id: "a"),
            .chat(room: "r", from: "a", name: "alice", text: "hi", ts: 1_700_000_000_000),
            .incomingCall(from: "a", name: "alice"), .callAccepted(from: "a"), .callRejected(from: "a", reason: "busy"),
            .callRejected(from: "a", reason: nil), .offer(from: "a", sdp: "v=0"), .answer(from: "a", sdp: "v=0"),
            .candidate(from: "a", candidate: ICECandidateInit(candidate: "c", sdpMid: "0", sdpMLineIndex: 0)),
            .candidate(from: "a", candidate: nil), .hangup(from: "a"),
        ]
        for event in events {
            #expect(SignalingEvent(name: event.name, payload: event.payload) == event)
            #expect(event.packet.event?.name == event.name)
        }
        #expect(SignalingEvent.chat(room: "r", from: "a", name: "n", text: "t", ts: 5).packet.encoded
            == #"2["chat",{"from":"a","name":"n","room":"r","text":"t","ts":5}]"#)
    }

    @Test func iceServerURLsParseAndRoundTrip() throws {
        let turn = try ICEServerURL(parsing: "turn:[2001:db8::1]")
        let server = ICEServer([try ICEServerURL(parsing: "stun:x"), turn], username: "u", credential: "p")
        #expect(server.urls == ["stun:x:3478", "turn:[2001:db8::1]:3478?transport=udp"])
        #expect(server.parsedURLs.last == turn)
        #expect(ICEServer(json: server.json) == server)
        // A URL LinkUp cannot read is kept as received and left out of parsedURLs.
        let odd = ICEServer(urls: ["stun:x:1", "http://x"])
        #expect(ICEServer(json: odd.json) == odd)
        #expect(odd.parsedURLs.map(\.description) == ["stun:x:1"])
        #expect(ICEServer(json: ["urls": "stun:x:1"]) == ICEServer(urls: ["stun:x:1"]))
        #expect(ICEServer(json: ["urls": ["stun:x:1", 5]]) == nil)
    }
}
