import Signaling
import SignalingServer
import Testing

/// The `iceServers` of the `join` acknowledgement in the browser's `RTCIceServer` shape: without TURN credentials,
/// with static ones, and with TURN REST credentials minted per join from the time passed in with the packet.
/// Expected credentials: Python's `base64.b64encode(hmac.new(b"S", b"1000086:s1", hashlib.sha1).digest())`.
@Suite struct JoinAckICEServersTests {
    private func joinAck(_ harness: inout HubHarness, _ connection: String, ackID: Int) -> String {
        let sent = texts(harness.send(connection, #"2\#(ackID)["join",{"room":"r","name":"n"}]"#))
        return sent.last ?? ""
    }

    @Test func stunOnly() throws {
        let options = try ICEServerOptions(urls: ["stun:203.0.113.10"])
        var harness = HubHarness(iceServers: options.iceServers, turnREST: options.turnREST)
        _ = harness.send("c1", "0")
        #expect(joinAck(&harness, "c1", ackID: 1)
            == #"c1 31[{"iceServers":[{"urls":["stun:203.0.113.10:3478"]}],"ok":true,"peers":[],"#
            + #""self":{"id":"s1","name":"n"}}]"#)
    }

    @Test func staticTURNUser() throws {
        let options = try ICEServerOptions(
            urls: ["stun:203.0.113.10", "turn:203.0.113.10?transport=tcp", "turns:turn.example"], turnUser: "u:p")
        var harness = HubHarness(iceServers: options.iceServers, turnREST: options.turnREST)
        _ = harness.send("c1", "0")
        #expect(joinAck(&harness, "c1", ackID: 1)
            == #"c1 31[{"iceServers":[{"urls":["stun:203.0.113.10:3478"]},{"credential":"p","#
            + #""urls":["turn:203.0.113.10:3478?transport=tcp","turns:turn.example:5349?transport=tcp"],"#
            + #""username":"u"}],"ok":true,"peers":[],"self":{"id":"s1","name":"n"}}]"#)
    }

    @Test func turnSecretMintsPerJoin() throws {
        let options = try ICEServerOptions(
            urls: ["stun:203.0.113.10:3478", "turn:203.0.113.10:3478?transport=udp", "turn:other:1@turn.example"],
            turnSecret: "S", turnTTL: 86)
        var harness = HubHarness(iceServers: options.iceServers, turnREST: options.turnREST)
        harness.now = 1_000_000_000
        _ = harness.send("c1", "0")
        _ = harness.send("c2", "0")
        let first = try #require(SignalingAck(json: try ackPayload(joinAck(&harness, "c1", ackID: 1))))
        guard case let .joined(_, _, servers) = first else { throw AckIsNotJoined() }
        #expect(servers == [
            ICEServer(urls: ["stun:203.0.113.10:3478"]),
            ICEServer(urls: ["turn:203.0.113.10:3478?transport=udp"], username: "1000086:s1",
                      credential: "FpLBBcrM9F7f0aNXvM4298kyTvQ="),
            ICEServer(urls: ["turn:turn.example:3478?transport=udp"], username: "other", credential: "1"),
        ])
        // Each participant gets its own, and joining again later mints afresh.
        let second = joinAck(&harness, "c2", ackID: 2)
        #expect(second.contains(#""credential":"AsdGKgwQ6sJoWk7Bq9OGcSRp2nA=","#)
            && second.contains(#""username":"1000086:s2""#))
        harness.now = 2_000_000_000
        let again = joinAck(&harness, "c1", ackID: 3)
        #expect(again.contains(#""credential":"HIxnNKmfdvwbrr7xEpE3G4pFT14=","#)
            && again.contains(#""username":"2000086:s1""#))
    }

    @Test func oddClockValuesDoNotTrap() throws {
        let configuration = SignalingHubConfiguration(
            iceServers: [ICEServer(urls: ["turn:x:3478?transport=udp"])], turnREST: TURNRESTSecret("S", ttl: 86))
        for now in [Double.nan, .infinity, -.infinity, 1e300, -1e300] {
            #expect(configuration.iceServers(for: "p", now: now).first?.username == "86:p")
        }
    }

    private func ackPayload(_ text: String) throws -> JSONValue {
        let packet = try SocketIOPacket(text: String(text.drop { $0 != " " }.dropFirst()))
        return try #require(packet.data?[0])
    }
}

private struct AckIsNotJoined: Error {}
