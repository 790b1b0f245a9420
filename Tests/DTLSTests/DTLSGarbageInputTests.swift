import DTLS
import Testing
import Wire

@Suite struct DTLSGarbageInputTests {
    /// Random datagrams (some dressed up with a plausible record header) never trap either role.
    @Test(arguments: [DTLSRole.client, .server])
    func randomBytesNeverTrap(role: DTLSRole) throws {
        var random = SeededGenerator(seed: 77)
        let certificate = try DTLSCertificate.generate(using: &random)
        for round in 0..<300 {
            let endpoint = try DTLSEndpoint(
                role: role, certificate: certificate, remoteFingerprint: certificate.fingerprint)
            endpoint.start(now: .zero)
            for _ in 0..<4 {
                var datagram = random.bytes(Int(random.next() % 300))
                if round % 2 == 0, datagram.count >= 13 {
                    datagram[0] = 20 + UInt8(random.next() % 4)  // CCS, alert, handshake, application data
                    datagram[1] = 0xFE
                    datagram[2] = 0xFD
                    datagram[11] = UInt8((datagram.count - 13) >> 8)
                    datagram[12] = UInt8((datagram.count - 13) & 0xFF)
                }
                _ = try? endpoint.handle(datagram: datagram, now: .zero)
                while endpoint.pollOutput() != nil {}
            }
            endpoint.handleTimeout(now: .milliseconds(5000))
            while endpoint.pollOutput() != nil {}
        }
    }
}
