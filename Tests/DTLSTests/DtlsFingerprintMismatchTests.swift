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
}
