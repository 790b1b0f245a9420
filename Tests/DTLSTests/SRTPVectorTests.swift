import RTP
import Testing
import Wire

/// libsrtp checked against the RFCs: the reference sender in `SRTPReference` is first validated with the RFC 3711
/// Appendix B vectors, then libsrtp's output must equal it byte for byte for every profile.
@Suite struct SRTPVectorTests {
    // RFC 3711 Appendix B.3 (key derivation test vectors).
    static let masterKey = Hex.decode("E1F97A0D3E018BE0D64FA32C06DE4139")!
    static let masterSalt = Hex.decode("0EC675AD498AFEEBB6960B3AABE6")!

    @Test func referenceKeyDerivationMatchesRFC3711AppendixB3() {
        let derive = { (label: UInt8, length: Int) in
            SRTPReference.deriveKey(
                masterKey: Self.masterKey, masterSalt: Self.masterSalt, label: label, length: length)
        }
        #expect(derive(0, 16) == Hex.decode("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(derive(2, 14) == Hex.decode("30CBBC08863D8C85D49DB34A9AE1"))
        #expect(derive(1, 20) == Hex.decode("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
    }

    /// RFC 3711 Appendix B.2: the AES-CM keystream for session key 2B7E...3C and offset F0F1...FD0000.
    @Test func referenceKeystreamMatchesRFC3711AppendixB2() {
        let key = Hex.decode("2B7E151628AED2A6ABF7158809CF4F3C")!
        let block = SRTPReference.aesECB(key: key, Hex.decode("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000")!)
        #expect(block == Hex.decode("E03EAD0935C95E80E166B16DD92B4EB4"))
    }

    /// libsrtp keyed with the RFC 3711 B.3 master key produces exactly the RFC 3711 §4.1.1/§4.2 packet.
    @Test func libsrtpAESCMMatchesTheRFC3711Construction() throws {
        let context = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: Self.masterKey, masterSalt: Self.masterSalt,
            direction: .outbound)
        for sequence in [UInt16(0), 1, 4660] {
            let packet = SRTPContextTests.rtpPacket(sequence: sequence, payloadLength: 37)
            let expected = SRTPReference.protectAESCM(
                rtp: packet, masterKey: Self.masterKey, masterSalt: Self.masterSalt)
            #expect(try context.protect(rtp: packet) == expected)
        }
    }

    /// libsrtp's AEAD profiles produce exactly the RFC 7714 §8.1 packet (IV from SSRC, ROC and SEQ XOR the session
    /// salt; the header as associated data; a 16-byte tag), with session keys from the RFC 3711 §4.3 KDF
    /// (RFC 7714 §11).
    @Test(arguments: [SRTPProfile.aeadAes128Gcm, .aeadAes256Gcm])
    func libsrtpGCMMatchesTheRFC7714Construction(profile: SRTPProfile) throws {
        var random = SeededGenerator(seed: 7714)
        let key = random.bytes(profile.masterKeyLength)
        let salt = random.bytes(profile.masterSaltLength)
        let context = try SRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound)
        for sequence in [UInt16(0), 1, 4660] {
            let packet = SRTPContextTests.rtpPacket(sequence: sequence, payloadLength: 45)
            let expected = SRTPReference.protectGCM(rtp: packet, masterKey: key, masterSalt: salt)
            #expect(try context.protect(rtp: packet) == expected)
        }
    }
}
