import DTLS
import Testing
import Wire

@Suite struct DtlsFingerprintMismatchTests {
    @Test func mismatchFailsNamingBothFingerprints() throws {
        let announced = DTLSFingerprint(algorithm: "sha-256", bytes: [UInt8](repeating: 0xAB, count: 32))
        var pair = try DTLSPair(serverAnnouncedFingerprint: announced)
        pair.run()
        let error = try #require(pair.failure(pair.clientEvents))
        guard case let .fingerprintMismatch(expected, actual) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(expected == announced)
        #expect(actual == pair.server.localFingerprint)
        #expect(error.description.contains(announced.description))
        #expect(error.description.contains(pair.server.localFingerprint.description))
        #expect(pair.client.state == .failed)
        #expect(pair.client.keyingMaterial == nil)
    }

    /// A peer announcing a SHA-384 (or SHA-1) fingerprint is checked with that hash function (RFC 8122 §5).
    @Test(arguments: ["sha-1", "sha-384", "sha-512"])
    func otherHashFunctionsAreHonoured(algorithm: String) throws {
        var random = SeededGenerator(seed: 12)
        let a = try DTLSCertificate.generate(using: &random)
        let b = try DTLSCertificate.generate(using: &random)
        let announced = try #require(b.fingerprint(algorithm: algorithm))
        #expect(announced.algorithm == algorithm)
        let client = try DTLSEndpoint(role: .client, certificate: a, remoteFingerprint: announced)
        let server = try DTLSEndpoint(role: .server, certificate: b, remoteFingerprint: a.fingerprint)
        client.start(now: .zero)
        server.start(now: .zero)
        for _ in 0..<10 {
            while case let .transmit(packet)? = client.pollOutput() { try server.handle(datagram: packet, now: .zero) }
            while case let .transmit(packet)? = server.pollOutput() { try client.handle(datagram: packet, now: .zero) }
        }
        #expect(client.state == .connected)
        #expect(b.fingerprint(algorithm: "md5") == nil)
    }
}
