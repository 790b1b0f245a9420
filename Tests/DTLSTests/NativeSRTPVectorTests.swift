@testable import RTP
import Testing
import Wire

/// LinkUp's own SRTP checked against the RFCs: RFC 3711 Appendix B.2 (AES-CM keystream) and B.3 (key
/// derivation), and the RFC 3711 §4.1.1/§4.2 and RFC 7714 §8.1 packet constructions of `SRTPReference`.
@Suite struct NativeSRTPVectorTests {
    /// RFC 3711 Appendix B.3: master key and salt, and the three derived SRTP session keys.
    @Test func keyDerivationMatchesRFC3711AppendixB3() throws {
        let key = SRTPVectorTests.masterKey
        let salt = SRTPVectorTests.masterSalt
        let derive = { (label: UInt8, length: Int) throws in
            try SRTPKeyDerivation.derive(masterKey: key, masterSalt: salt, label: label, length: length)
        }
        #expect(try derive(0, 16) == Hex.decode("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(try derive(2, 14) == Hex.decode("30CBBC08863D8C85D49DB34A9AE1"))
        #expect(try derive(1, 20) == Hex.decode("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
        let keys = try SRTPKeyDerivation.sessionKeys(profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt)
        #expect(keys.rtpKey == Hex.decode("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(keys.rtpSalt == Hex.decode("30CBBC08863D8C85D49DB34A9AE1"))
        #expect(keys.rtpAuthKey == Hex.decode("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
        #expect(keys.rtcpKey == SRTPReference.deriveKey(masterKey: key, masterSalt: salt, label: 3, length: 16))
    }

    /// RFC 3711 Appendix B.2: the first, second, third and last-but-two keystream blocks for session key
    /// 2B7E...3C and IV F0F1...FD0000 (counter blocks 0000, 0001, 0002, FEFF...).
    @Test func counterModeKeystreamMatchesRFC3711AppendixB2() throws {
        let cipher = try AESCounterMode(key: Hex.decode("2B7E151628AED2A6ABF7158809CF4F3C")!)
        let iv = Hex.decode("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000")!
        var keystream = [UInt8](repeating: 0, count: 48)
        keystream.withUnsafeMutableBytes { buffer in
            iv.withUnsafeBytes { cipher.apply(iv: $0.baseAddress!, to: buffer) }
        }
        #expect(Array(keystream[0..<16]) == Hex.decode("E03EAD0935C95E80E166B16DD92B4EB4"))
        #expect(Array(keystream[16..<32]) == Hex.decode("D23513162B02D0F72A43A2FE4A5F97AB"))
        #expect(Array(keystream[32..<48]) == Hex.decode("41E95B3BB0A2E8DD477901E4FCA894C0"))
        // Blocks FEFF, FF00 and FF01: the 16-bit SRTP counter carried by OpenSSL's 128-bit one.
        var tail = [UInt8](repeating: 0, count: 48)
        let late = Hex.decode("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF")!
        tail.withUnsafeMutableBytes { buffer in
            late.withUnsafeBytes { cipher.apply(iv: $0.baseAddress!, to: buffer) }
        }
        #expect(Array(tail[0..<16]) == Hex.decode("EC8CDF7398607CB0F2D21675EA9EA1E4"))
        #expect(Array(tail[16..<32]) == Hex.decode("362B7C3C6773516318A077D7FC5073AE"))
        #expect(Array(tail[32..<48]) == Hex.decode("6A2CC3787889374FBEB4C81B17BA6C44"))
    }

    /// The native AES-CM context produces exactly the RFC 3711 §4.1.1/§4.2 packet of the reference construction.
    @Test func counterModeMatchesTheRFC3711Construction() throws {
        let context = try NativeSRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: SRTPVectorTests.masterKey,
            masterSalt: SRTPVectorTests.masterSalt, direction: .outbound)
        for sequence in [UInt16(0), 1, 4660] {
            let packet = SRTPContextTests.rtpPacket(sequence: sequence, payloadLength: 37)
            let expected = SRTPReference.protectAESCM(
                rtp: packet, masterKey: SRTPVectorTests.masterKey, masterSalt: SRTPVectorTests.masterSalt)
            #expect(try context.protect(rtp: packet) == expected)
        }
    }

    /// The native AEAD contexts produce exactly the RFC 7714 §8.1 packet of the reference construction.
    @Test(arguments: [SRTPProfile.aeadAes128Gcm, .aeadAes256Gcm])
    func gcmMatchesTheRFC7714Construction(profile: SRTPProfile) throws {
        var random = SeededGenerator(seed: 7714)
        let key = random.bytes(profile.masterKeyLength)
        let salt = random.bytes(profile.masterSaltLength)
        let context = try NativeSRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound)
        for sequence in [UInt16(0), 1, 4660] {
            let packet = SRTPContextTests.rtpPacket(sequence: sequence, payloadLength: 45)
            let expected = SRTPReference.protectGCM(rtp: packet, masterKey: key, masterSalt: salt)
            #expect(try context.protect(rtp: packet) == expected)
        }
    }

    /// RFC 7714 §16.1.1 and §16.2.1: AEAD_AES_128_GCM and AEAD_AES_256_GCM on the RTP packet "Gallia est omnis
    /// divisa in partes tres" with the session salt "Quid pro quo", SSRC 5501A0B2, ROC 0, SEQ F17B; the IV is
    /// salt XOR (0x0000 || SSRC || ROC || SEQ) (§8.1) and the 12-byte header is the associated data (§8.2).
    @Test(arguments: [
        (
            "000102030405060708090a0b0c0d0e0f",
            "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833"
                + "899d7f27beb16a9152cf765ee4390cce"
        ),
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b"
                + "7aa3db36dfffd6b0f9bb7878d7a76c13"
        ),
    ])
    func gcmMatchesRFC7714Section16(key: String, expected: String) throws {
        let cipher = try AESGCM(key: Hex.decode(key)!)
        let header = Hex.decode("8040f17b8041f8d35501a0b2")!
        let plaintext = Hex.decode("47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573")!
        var iv = Hex.decode("517569642070726f2071756f")!
        for (offset, byte) in ([0, 0, 0x55, 0x01, 0xA0, 0xB2, 0, 0, 0, 0, 0xF1, 0x7B] as [UInt8]).enumerated() {
            iv[offset] ^= byte
        }
        #expect(iv == Hex.decode("51753c6580c2726f20718414"))
        var text = plaintext
        var tag = [UInt8](repeating: 0, count: AESGCM.tagLength)
        iv.withUnsafeBytes { iv in
            header.withUnsafeBytes { header in
                text.withUnsafeMutableBytes { text in
                    tag.withUnsafeMutableBytes { tag in
                        cipher.seal(iv: iv.baseAddress!, aad: header, text: text, tag: tag.baseAddress!)
                    }
                }
            }
        }
        #expect(text + tag == Hex.decode(expected))
        var opened = text
        let authentic = iv.withUnsafeBytes { iv in
            header.withUnsafeBytes { header in
                opened.withUnsafeMutableBytes { opened in
                    tag.withUnsafeBytes { tag in
                        cipher.open(iv: iv.baseAddress!, aad: header, text: opened, tag: tag.baseAddress!)
                    }
                }
            }
        }
        #expect(authentic)
        #expect(opened == plaintext)
    }
}
