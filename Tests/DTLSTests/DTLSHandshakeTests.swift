import DTLS
import Testing
import Wire

@Suite struct DTLSHandshakeTests {
    @Test(arguments: SRTPProtectionProfile.allCases)
    func handshakeExportsMatchingKeys(profile: SRTPProtectionProfile) throws {
        var pair = try DTLSPair(clientProfiles: [profile], serverProfiles: SRTPProtectionProfile.preferenceOrder)
        pair.run()
        #expect(pair.bothConnected)
        let client = try #require(pair.connected(pair.clientEvents))
        let server = try #require(pair.connected(pair.serverEvents))
        #expect(client.1 == profile)
        #expect(server.1 == profile)
        #expect(client.0 == server.0)
        #expect(client.0.clientWriteKey.count == profile.masterKeyLength)
        #expect(client.0.serverWriteSalt.count == profile.masterSaltLength)
        #expect(client.0.clientWriteKey != client.0.serverWriteKey)
        #expect(client.0.localKey(for: .client) == server.0.remoteKey(for: .server))
        #expect(client.0.localSalt(for: .client) == server.0.remoteSalt(for: .server))
        #expect(pair.timeoutsFired == 0)
    }

    @Test func preferenceOrderPicksAES128GCM() throws {
        var pair = try DTLSPair()
        pair.run()
        #expect(pair.connected(pair.clientEvents)?.1 == .aeadAes128Gcm)
    }

    @Test func noCommonProfileFails() throws {
        var pair = try DTLSPair(clientProfiles: [.aeadAes256Gcm], serverProfiles: [.aes128CmHmacSha1_80])
        pair.run()
        #expect(!pair.bothConnected)
        #expect(pair.failure(pair.clientEvents) != nil)
    }

    @Test func datagramsRespectMTU() throws {
        var random = SeededGenerator(seed: 9)
        let certificate = try DTLSCertificate.generate(using: &random)
        let client = try DTLSEndpoint(
            role: .client, certificate: certificate, remoteFingerprint: certificate.fingerprint, mtu: 600)
        client.start(now: .zero)
        var count = 0
        while case let .transmit(datagram)? = client.pollOutput() {
            #expect(datagram.count <= 600)
            #expect(datagram.first == 22)  // handshake record (RFC 7983 range 20...63)
            count += 1
        }
        #expect(count >= 1)
        #expect(client.nextDeadline() == .zero + .seconds(1))
    }

    /// 25% and 30% seeded loss: every seed completes, and every loss is repaired by a timeout-driven
    /// retransmission (there is no other way a dropped flight comes back).
    @Test(arguments: [0.25, 0.30])
    func handshakeSurvivesLossThroughRetransmission(lossRate: Double) throws {
        var totalDropped = 0
        var seedsWithLoss = 0
        for seed in UInt64(1)...20 {
            var pair = try DTLSPair(lossRate: lossRate, seed: seed)
            pair.run(limit: .seconds(600))
            #expect(pair.bothConnected, "seed \(seed): dropped \(pair.datagramsDropped) of \(pair.datagramsSent)")
            #expect(pair.connected(pair.clientEvents)?.0 == pair.connected(pair.serverEvents)?.0)
            #expect(pair.datagramsDropped == 0 || pair.timeoutsFired > 0)
            totalDropped += pair.datagramsDropped
            if pair.datagramsDropped > 0 { seedsWithLoss += 1 }
        }
        #expect(seedsWithLoss >= 10)
        #expect(totalDropped >= 20)
    }

    /// The hardest loss: the server's final flight (ChangeCipherSpec + Finished) is lost every time for a while.
    /// The server already counts as connected; only the client's timeout-driven retransmission of its own flight
    /// makes the server send its final flight again (RFC 6347 §4.2.4).
    @Test func lostFinalFlightIsRecoveredByTheClient() throws {
        var random = SeededGenerator(seed: 8)
        let a = try DTLSCertificate.generate(using: &random)
        let b = try DTLSCertificate.generate(using: &random)
        let client = try DTLSEndpoint(role: .client, certificate: a, remoteFingerprint: b.fingerprint)
        let server = try DTLSEndpoint(role: .server, certificate: b, remoteFingerprint: a.fingerprint)
        var now = Instant.zero
        client.start(now: now)
        server.start(now: now)
        var droppedFinalFlights = 0
        var rounds = 0
        while client.state != .connected && rounds < 50 {
            rounds += 1
            var moved = true
            while moved {
                moved = false
                while case let .transmit(datagram)? = client.pollOutput() {
                    try server.handle(datagram: datagram, now: now)
                    moved = true
                }
                while let output = server.pollOutput() {
                    guard case let .transmit(datagram) = output else { continue }
                    moved = true
                    if server.state == .connected && droppedFinalFlights < 3 {
                        droppedFinalFlights += 1
                        continue
                    }
                    try client.handle(datagram: datagram, now: now)
                }
            }
            guard let deadline = earliest(client.nextDeadline(), server.nextDeadline()) else { break }
            now = max(now, deadline)
            client.handleTimeout(now: now)
            server.handleTimeout(now: now)
        }
        #expect(droppedFinalFlights == 3)
        #expect(client.state == .connected)
        #expect(client.keyingMaterial == server.keyingMaterial)
    }

    @Test func retransmissionBacksOffOnTheVirtualClock() throws {
        var random = SeededGenerator(seed: 3)
        let certificate = try DTLSCertificate.generate(using: &random)
        let client = try DTLSEndpoint(
            role: .client, certificate: certificate, remoteFingerprint: certificate.fingerprint)
        client.start(now: .zero)
        var first: [[UInt8]] = []
        while case let .transmit(datagram)? = client.pollOutput() { first.append(datagram) }
        #expect(client.nextDeadline() == .zero + .seconds(1))
        client.handleTimeout(now: .milliseconds(999))  // too early: nothing happens
        #expect(client.pollOutput() == nil)
        client.handleTimeout(now: .milliseconds(1000))
        var second: [[UInt8]] = []
        while case let .transmit(datagram)? = client.pollOutput() { second.append(datagram) }
        #expect(second.count == first.count)
        #expect(second != first)  // fresh record sequence numbers
        #expect(client.nextDeadline() == .milliseconds(3000))  // doubled: 1 s + 2 s
    }

    @Test func giveUpAfterTooManyRetransmissions() throws {
        var random = SeededGenerator(seed: 4)
        let certificate = try DTLSCertificate.generate(using: &random)
        let client = try DTLSEndpoint(
            role: .client, certificate: certificate, remoteFingerprint: certificate.fingerprint)
        client.start(now: .zero)
        var failed: DTLSError?
        var rounds = 0
        while let deadline = client.nextDeadline(), rounds < 100 {
            client.handleTimeout(now: deadline)
            while let output = client.pollOutput() {
                if case let .event(.failed(error)) = output { failed = error }
            }
            rounds += 1
        }
        #expect(failed == .retransmissionLimitReached)
        #expect(client.state == .failed)
    }

    @Test func closeNotifyReachesThePeer() throws {
        var pair = try DTLSPair()
        pair.run()
        #expect(pair.bothConnected)
        pair.client.close()
        _ = pair.shuttle()
        #expect(pair.clientEvents.last == .closed)
        #expect(pair.serverEvents.last == .closed)
        #expect(pair.server.state == .closed)
        #expect(throws: DTLSError.notOpen) { try pair.client.handle(datagram: [22], now: pair.now) }
    }

    @Test func applicationDataFlowsBothWays() throws {
        var pair = try DTLSPair()
        pair.run()
        try pair.client.send(applicationData: Array("hello".utf8))
        try pair.server.send(applicationData: Array("world".utf8))
        _ = pair.shuttle()
        #expect(pair.serverEvents.last == .applicationData(Array("hello".utf8)))
        #expect(pair.clientEvents.last == .applicationData(Array("world".utf8)))
    }

    @Test func lateRemoteFingerprintCompletesTheHandshake() throws {
        var random = SeededGenerator(seed: 5)
        let a = try DTLSCertificate.generate(using: &random)
        let b = try DTLSCertificate.generate(using: &random)
        let client = try DTLSEndpoint(role: .client, certificate: a, remoteFingerprint: b.fingerprint)
        let server = try DTLSEndpoint(role: .server, certificate: b, remoteFingerprint: nil)
        client.start(now: .zero)
        server.start(now: .zero)
        var moved = true
        while moved {
            moved = false
            while case let .transmit(datagram)? = client.pollOutput() {
                try server.handle(datagram: datagram, now: .zero)
                moved = true
            }
            while case let .transmit(datagram)? = server.pollOutput() {
                try client.handle(datagram: datagram, now: .zero)
                moved = true
            }
        }
        #expect(client.state == .connected)
        #expect(server.state == .awaitingFingerprint)
        server.setRemoteFingerprint(a.fingerprint)
        #expect(server.state == .connected)
        #expect(server.keyingMaterial == client.keyingMaterial)
    }
}
