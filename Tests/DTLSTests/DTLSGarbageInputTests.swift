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

    /// Garbage after the handshake (forged records in epoch 0 and 1) is dropped; the association stays up.
    @Test func garbageAfterTheHandshakeIsDropped() throws {
        var pair = try DTLSPair()
        pair.run()
        #expect(pair.bothConnected)
        var random = SeededGenerator(seed: 99)
        for round in 0..<500 {
            var datagram = random.bytes(13 + Int(random.next() % 200))
            datagram[0] = 20 + UInt8(round % 4)
            datagram[1] = 0xFE
            datagram[2] = 0xFD
            datagram[3] = 0
            datagram[4] = UInt8(round % 2)  // epoch 0 or 1
            datagram[11] = UInt8((datagram.count - 13) >> 8)
            datagram[12] = UInt8((datagram.count - 13) & 0xFF)
            do { try pair.server.handle(datagram: datagram, now: pair.now) } catch {
                Issue.record("round \(round) type \(datagram[0]) epoch \(datagram[4]): \(error)")
                break
            }
        }
        while let output = pair.server.pollOutput() {
            if case let .event(event) = output { Issue.record("unexpected \(event) at \(pair.now)") }
        }
        #expect(pair.server.state == .connected)
        try pair.client.send(applicationData: [1, 2, 3])
        _ = pair.shuttle()
        #expect(pair.serverEvents.last == .applicationData([1, 2, 3]))
    }

    /// A forged alert record in the current epoch, shorter than nonce plus tag, used to wedge OpenSSL 3.0's record
    /// layer; the endpoint filters it out and application data keeps flowing.
    @Test(arguments: [0, 5, 10, 20, 23, 24, 40])
    func shortEncryptedRecordIsIgnored(length: Int) throws {
        var pair = try DTLSPair()
        pair.run()
        var random = SeededGenerator(seed: 99)
        var datagram = random.bytes(13 + length)
        datagram[0] = 21
        datagram[1] = 0xFE
        datagram[2] = 0xFD
        datagram[3] = 0
        datagram[4] = 1
        datagram[11] = 0
        datagram[12] = UInt8(length)
        try pair.server.handle(datagram: datagram, now: pair.now)
        // And a record whose length runs past the end of its datagram.
        try pair.server.handle(datagram: Array(datagram.prefix(13)) + [0x01], now: pair.now)
        try pair.client.send(applicationData: [7])
        _ = pair.shuttle()
        #expect(pair.server.state == .connected)
        #expect(pair.serverEvents.last == .applicationData([7]))
    }
}
