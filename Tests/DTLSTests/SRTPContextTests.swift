import DTLS
import RTP
import Testing
import Wire

@Suite struct SRTPContextTests {
    static func rtpPacket(sequence: UInt16, ssrc: UInt32 = 0xCAFE_BABE, payloadLength: Int = 160) -> [UInt8] {
        var packet: [UInt8] = [0x80, 0x6F, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        let timestamp = UInt32(sequence) &* 960
        packet += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: timestamp >> $0) }
        packet += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: ssrc >> $0) }
        packet += (0..<payloadLength).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(sequence)) }
        return packet
    }

    static let receiverReport: [UInt8] = [0x80, 201, 0x00, 0x01, 0xCA, 0xFE, 0xBA, 0xBE]

    static func pair(_ profile: SRTPProfile, seed: UInt64 = 1) throws -> (SRTPContext, SRTPContext) {
        var random = SeededGenerator(seed: seed)
        let key = random.bytes(profile.masterKeyLength)
        let salt = random.bytes(profile.masterSaltLength)
        return (
            try SRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound),
            try SRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .inbound)
        )
    }

    @Test(arguments: SRTPProfile.allCases)
    func roundTrip(profile: SRTPProfile) throws {
        let (sender, receiver) = try Self.pair(profile)
        var protected: [UInt8] = []
        var plain: [UInt8] = []
        for sequence in UInt16(65530)...65535 {
            let packet = Self.rtpPacket(sequence: sequence)
            try sender.protect(rtp: packet, into: &protected)
            #expect(protected.count == packet.count + profile.rtpOverhead)
            #expect(protected[12...] != packet[12...])  // payload is encrypted
            try receiver.unprotect(srtp: protected, into: &plain)
            #expect(plain == packet)
        }
        let srtcp = try sender.protectRTCP(Self.receiverReport)
        #expect(srtcp.count == Self.receiverReport.count + profile.rtcpOverhead)
        #expect(try receiver.unprotectRTCP(srtcp) == Self.receiverReport)
    }

    @Test(arguments: SRTPProfile.allCases)
    func tamperedPacketFailsAuthentication(profile: SRTPProfile) throws {
        let (sender, receiver) = try Self.pair(profile)
        var protected = try sender.protect(rtp: Self.rtpPacket(sequence: 1))
        protected[20] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotect(srtp: protected) }
        var srtcp = try sender.protectRTCP(Self.receiverReport)
        srtcp[srtcp.count - 1] ^= 0x80
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotectRTCP(srtcp) }
    }

    @Test(arguments: SRTPProfile.allCases)
    func replayedPacketIsRejected(profile: SRTPProfile) throws {
        let (sender, receiver) = try Self.pair(profile)
        let first = try sender.protect(rtp: Self.rtpPacket(sequence: 1000))
        _ = try receiver.unprotect(srtp: first)
        #expect(throws: SRTPError.replayed) { try receiver.unprotect(srtp: first) }
        // Far behind the 128-packet window: "too old" is a replay too.
        // Packet 1050 is held back until 150 newer ones have arrived: past the window, so rejected as too old.
        var late: [UInt8] = []
        for sequence in UInt16(1001)...1200 {
            let protected = try sender.protect(rtp: Self.rtpPacket(sequence: sequence))
            if sequence == 1050 { late = protected } else { _ = try receiver.unprotect(srtp: protected) }
        }
        #expect(throws: SRTPError.replayed) { try receiver.unprotect(srtp: late) }
        // The sender refuses to protect the same index twice (libsrtp's allow_repeat_tx = 0).
        #expect(throws: SRTPError.replayed) { try sender.protect(rtp: Self.rtpPacket(sequence: 1200)) }
        let srtcp = try sender.protectRTCP(Self.receiverReport)
        _ = try receiver.unprotectRTCP(srtcp)
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTCP(srtcp) }
    }

    /// Slices of a larger receive buffer go in without copying into an Array first; the output buffer is reused.
    @Test func slicesAndReusedOutput() throws {
        let (sender, receiver) = try Self.pair(.aeadAes256Gcm)
        let packet = Self.rtpPacket(sequence: 77)
        let buffer = [0xFF, 0xFF] + packet + [0xEE]
        var protected: [UInt8] = []
        protected.reserveCapacity(1500)
        try sender.protect(rtp: buffer[2..<(2 + packet.count)], into: &protected)
        let capacity = protected.capacity
        let received = [0x00] + protected
        var plain: [UInt8] = []
        try receiver.unprotect(srtp: received.dropFirst(), into: &plain)
        #expect(plain == packet)
        try sender.protect(rtp: Self.rtpPacket(sequence: 78), into: &protected)
        #expect(protected.capacity == capacity)
    }

    @Test func wrongKeyFailsAuthentication() throws {
        let (sender, _) = try Self.pair(.aes128CmHmacSha1_80, seed: 1)
        let (_, stranger) = try Self.pair(.aes128CmHmacSha1_80, seed: 2)
        let protected = try sender.protect(rtp: Self.rtpPacket(sequence: 5))
        #expect(throws: SRTPError.authenticationFailed) { try stranger.unprotect(srtp: protected) }
    }

    @Test func malformedInputIsRejectedWithoutTrapping() throws {
        let (sender, receiver) = try Self.pair(.aeadAes128Gcm)
        #expect(throws: SRTPError.malformedPacket) { try sender.protect(rtp: [0x80, 0x00]) }
        #expect(throws: SRTPError.malformedPacket) { try receiver.unprotect(srtp: []) }
        #expect(throws: SRTPError.malformedPacket) { try receiver.unprotectRTCP([0x00, 0, 0, 0, 0, 0, 0, 0]) }
        var random = SeededGenerator(seed: 11)
        for _ in 0..<2000 {
            var bytes = random.bytes(Int(random.next() % 200))
            if !bytes.isEmpty { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
            _ = try? receiver.unprotect(srtp: bytes)
            _ = try? receiver.unprotectRTCP(bytes)
        }
    }

    @Test func wrongKeyLengthIsRejected() {
        #expect(throws: SRTPError.invalidKeyLength(expectedKey: 32, expectedSalt: 12)) {
            try SRTPContext(
                profile: .aeadAes256Gcm, masterKey: [UInt8](repeating: 0, count: 16),
                masterSalt: [UInt8](repeating: 0, count: 12), direction: .outbound)
        }
    }

    /// DTLS-SRTP end to end: keys exported by a real handshake protect in one endpoint and unprotect in the other.
    @Test(arguments: SRTPProtectionProfile.allCases)
    func keysFromTheHandshakeInteroperate(profile: SRTPProtectionProfile) throws {
        var pair = try DTLSPair(clientProfiles: [profile])
        pair.run()
        let (clientKeys, negotiated) = try #require(pair.connected(pair.clientEvents))
        let (serverKeys, _) = try #require(pair.connected(pair.serverEvents))
        let srtpProfile = try #require(SRTPProfile(rawValue: negotiated.rawValue))
        let clientOut = try SRTPContext(
            profile: srtpProfile, masterKey: clientKeys.localKey(for: .client),
            masterSalt: clientKeys.localSalt(for: .client), direction: .outbound)
        let serverIn = try SRTPContext(
            profile: srtpProfile, masterKey: serverKeys.remoteKey(for: .server),
            masterSalt: serverKeys.remoteSalt(for: .server), direction: .inbound)
        let packet = Self.rtpPacket(sequence: 42)
        #expect(try serverIn.unprotect(srtp: clientOut.protect(rtp: packet)) == packet)
    }
}
