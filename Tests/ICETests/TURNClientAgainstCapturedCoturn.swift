import Foundation
import ICE
import Testing
import Wire

/// The TURN client fed coturn's own answers, captured from a real coturn 4.6 in the NAT lab by
/// `fixtures/turn/capture_coturn.py` (fixtures/turn/coturn-udp.json): its 401 challenge with its realm and nonce, the
/// Allocate, CreatePermission, ChannelBind and Refresh successes with every attribute coturn adds (SOFTWARE,
/// LIFETIME, XOR-RELAYED-ADDRESS, XOR-MAPPED-ADDRESS, FINGERPRINT), and its 403 for a loopback peer.
///
/// Each captured answer is given the transaction ID of the client's request and signed again with the captured
/// user's long-term key (the client draws its own transaction IDs); everything else is coturn's bytes.
@Suite struct TURNClientAgainstCapturedCoturn {
    struct Capture: Decodable {
        struct Exchange: Decodable {
            var name: String
            var request: String
            var response: String
        }

        var username: String
        var password: String
        var realm: String
        var exchanges: [Exchange]

        func response(_ name: String) throws -> STUNMessage {
            let exchange = try #require(exchanges.first { $0.name == name })
            return try STUNMessage(parsing: try #require(Hex.decode(exchange.response)))
        }
    }

    static let server = TransportAddress(ip: .v4(203, 0, 113, 10), port: 3478)

    static func load() throws -> Capture {
        let url = STUNFixtures.root.appendingPathComponent("fixtures/turn/coturn-udp.json")
        return try JSONDecoder().decode(Capture.self, from: Data(contentsOf: url))
    }

    /// `captured` as the answer to `request`: its transaction ID, re-signed with `key` when it was signed.
    static func answer(_ captured: STUNMessage, to request: [UInt8], key: STUNKey) throws -> [UInt8] {
        let asked = try STUNMessage(parsing: request)
        let attributes = captured.attributes.filter {
            $0.type != .messageIntegrity && $0.type != .messageIntegritySHA256 && $0.type != .fingerprint
        }
        let signed = captured.messageIntegrity != nil
        return try STUNMessage(type: captured.type, transactionID: asked.transactionID, attributes: attributes)
            .encode(integrity: signed ? key : nil, fingerprint: captured.fingerprint != nil)
    }

    @Test func aWholeAllocationRunsOnCoturnsAnswers() throws {
        let capture = try Self.load()
        let key = STUNKey.longTerm(username: capture.username, realm: capture.realm, password: capture.password)
        let endpoint = ICEServerEndpoint(kind: .turn(username: capture.username, password: capture.password),
                                         address: Self.server)
        var client = TURNClient(server: endpoint, random: SeededGenerator(seed: 11))
        var now = Instant.zero

        func nextRequest() throws -> [UInt8] {
            while let output = client.pollOutput() {
                if case let .transmit(bytes) = output { return bytes }
            }
            Issue.record("the client sent nothing")
            return []
        }
        func events() -> [TURNClient.Event] {
            var found: [TURNClient.Event] = []
            while let output = client.pollOutput() { if case let .event(event) = output { found.append(event) } }
            return found
        }

        // Allocate: coturn's 401 brings its realm and nonce; the second Allocate must carry them, signed.
        client.start(now: now)
        var request = try nextRequest()
        _ = client.handle(try Self.answer(capture.response("allocate-unauthenticated"), to: request, key: key)[...],
                          now: now)
        request = try nextRequest()
        let authenticated = try STUNMessage(parsing: request)
        #expect(authenticated.realm == capture.realm)
        #expect(authenticated.username == capture.username)
        #expect(authenticated.nonce == (try capture.response("allocate-unauthenticated").nonce))
        #expect((try? authenticated.validateMessageIntegrity(key: key)) != nil)
        let allocated = try capture.response("allocate")
        _ = client.handle(try Self.answer(allocated, to: request, key: key)[...], now: now)
        #expect(client.state == .allocated)
        #expect(client.relayedAddress == allocated.xorRelayedAddress)
        #expect(client.mappedAddress == allocated.xorMappedAddress)
        #expect(events() == [.allocated(relayed: allocated.xorRelayedAddress!, mapped: allocated.xorMappedAddress)])

        // A permission for a peer coturn accepts, and one for a loopback peer, which it refuses with 403.
        let peer = TransportAddress(ip: .v4(203, 0, 113, 2), port: 40000)
        client.createPermission(for: peer.ip, now: now)
        request = try nextRequest()
        _ = client.handle(try Self.answer(capture.response("create-permission"), to: request, key: key)[...], now: now)
        client.createPermission(for: .v4(127, 0, 0, 1), now: now)
        request = try nextRequest()
        _ = client.handle(try Self.answer(capture.response("create-permission-loopback"), to: request, key: key)[...],
                          now: now)
        let refused = events()
        guard case let .permissionFailed(ip, error)? = refused.first else {
            Issue.record("expected a refused permission, got \(refused)")
            return
        }
        #expect(ip == .v4(127, 0, 0, 1))
        #expect(error.code == .forbidden)
        #expect(error.message.contains("403"))

        // Data for the permitted peer goes out as a Send indication while its channel is being bound, then as
        // ChannelData once coturn's ChannelBind success is in.
        client.send([1, 2, 3], to: peer, now: now)
        let bind = try nextRequest()
        #expect(try STUNMessage(parsing: bind).type.method == .channelBind)
        let indication = try nextRequest()
        #expect(try STUNMessage(parsing: indication).type.method == .send)
        _ = client.handle(try Self.answer(capture.response("channel-bind"), to: bind, key: key)[...], now: now)
        client.send([4, 5, 6], to: peer, now: now)
        let channelData = try ChannelData(parsing: try nextRequest())
        #expect(Array(channelData.data) == [4, 5, 6])

        // Time runs on: permission refreshes every 240 s and the channel's at 540 s are answered with coturn's
        // successes, until the allocation's own refresh goes out 60 s before its 600 s lifetime ends.
        var refresh: [UInt8]?
        for _ in 0..<10 where refresh == nil {
            now = try #require(client.nextDeadline())
            client.handleTimeout(now: now)
            while let output = client.pollOutput() {
                guard case let .transmit(bytes) = output, let message = try? STUNMessage(parsing: bytes) else { continue }
                switch message.type.method {
                case .refresh: refresh = bytes
                case .createPermission:
                    _ = client.handle(try Self.answer(capture.response("create-permission"), to: bytes, key: key)[...],
                                      now: now)
                case .channelBind:
                    _ = client.handle(try Self.answer(capture.response("channel-bind"), to: bytes, key: key)[...],
                                      now: now)
                default: break
                }
            }
        }
        #expect(now == .zero + .seconds(540))
        request = try #require(refresh)
        _ = client.handle(try Self.answer(capture.response("refresh"), to: request, key: key)[...], now: now)
        #expect(events().contains(.refreshed))
        #expect(client.state == .allocated)

        // Closing deletes the allocation with LIFETIME 0.
        client.close(now: now)
        let delete = try STUNMessage(parsing: try nextRequest())
        #expect(delete.type.method == .refresh)
        #expect(delete.lifetime == 0)
        #expect((try? delete.validateMessageIntegrity(key: key)) != nil)
    }

    @Test func coturnsAnswersParseAndVerifyAsCaptured() throws {
        // The captured bytes as they are: coturn's FINGERPRINT verifies, and its MESSAGE-INTEGRITY verifies under
        // the long-term key LinkUp derives for the same user, realm and password (RFC 8489 §9.2.2).
        let capture = try Self.load()
        let key = STUNKey.longTerm(username: capture.username, realm: capture.realm, password: capture.password)
        for exchange in capture.exchanges {
            let message = try capture.response(exchange.name)
            #expect(message.hasValidFingerprint, "\(exchange.name)")
            if exchange.name != "allocate-unauthenticated" {
                #expect((try? message.validateMessageIntegrity(key: key)) != nil, "\(exchange.name)")
            }
        }
    }
}
