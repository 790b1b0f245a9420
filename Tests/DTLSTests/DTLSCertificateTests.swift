import DTLS
import Testing
import Wire

@Suite struct DTLSCertificateTests {
    @Test func certificatesAreFreshAndFingerprintsAreSHA256() throws {
        var random = SeededGenerator(seed: 1)
        let first = try DTLSCertificate.generate(using: &random)
        let second = try DTLSCertificate.generate(using: &random)
        #expect(first.fingerprint.algorithm == "sha-256")
        #expect(first.fingerprint.bytes.count == 32)
        #expect(first.fingerprint != second.fingerprint)
    }

    @Test func fingerprintRoundTripsThroughSDPText() throws {
        var random = SeededGenerator(seed: 2)
        let fingerprint = try DTLSCertificate.generate(using: &random).fingerprint
        let text = fingerprint.description
        #expect(text.hasPrefix("sha-256 "))
        #expect(text.count == "sha-256 ".count + 32 * 3 - 1)
        #expect(try DTLSFingerprint(parsing: text) == fingerprint)
        #expect(try DTLSFingerprint(parsing: "SHA-256 " + text.dropFirst(8).lowercased()) == fingerprint)
    }

    @Test(arguments: ["", "sha-256", "sha-256 AB:C", "sha-256 ABCD", "sha-256 AB::CD", "sha-256 ZZ:00", "a b c"])
    func malformedFingerprintsAreRejected(text: String) {
        #expect(throws: DTLSError.invalidFingerprint(text)) { try DTLSFingerprint(parsing: text) }
    }
}
