import COpenSSL

/// The session keys of one SRTP cryptographic context: an encryption key, an authentication key (AES-CM profile
/// only) and a salt, for SRTP and for SRTCP.
struct SRTPSessionKeys {
    /// k_e for SRTP (label 0x00).
    var rtpKey: [UInt8]
    /// k_a for SRTP (label 0x01); empty for the AEAD profiles.
    var rtpAuthKey: [UInt8]
    /// k_s for SRTP (label 0x02).
    var rtpSalt: [UInt8]
    /// k_e for SRTCP (label 0x03).
    var rtcpKey: [UInt8]
    /// k_a for SRTCP (label 0x04); empty for the AEAD profiles.
    var rtcpAuthKey: [UInt8]
    /// k_s for SRTCP (label 0x05).
    var rtcpSalt: [UInt8]
}

/// The SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF (§4.3.3) and key_derivation_rate 0, which the
/// AEAD profiles use unchanged with their key size (RFC 7714 §11).
///
/// ```
/// key_id = label || r              (r = index DIV key_derivation_rate = 0 here)
/// x      = key_id XOR master_salt  (key_id right-aligned in the 112-bit salt)
/// k      = AES-CM(master_key, IV = x * 2^16) truncated to the wanted length
/// ```
/// A 96-bit AEAD master salt is extended to 112 bits with zeros on the right (RFC 7714 §11, as libsrtp does).
enum SRTPKeyDerivation {
    /// One derived key of `length` bytes for `label` (RFC 3711 §4.3.1).
    static func derive(masterKey: [UInt8], masterSalt: [UInt8], label: UInt8, length: Int) throws(SRTPError)
        -> [UInt8]
    {
        guard masterKey.count == 16 || masterKey.count == 32, masterSalt.count <= 14 else {
            throw .invalidKeyLength(expectedKey: masterKey.count == 32 ? 32 : 16, expectedSalt: 14)
        }
        var x = masterSalt + [UInt8](repeating: 0, count: 14 - masterSalt.count)
        x[7] ^= label  // the label sits just above the 48-bit r in the 112-bit value
        let iv = x + [0, 0]
        let cipher = try AESCounterMode(key: masterKey)
        var output = [UInt8](repeating: 0, count: length)
        output.withUnsafeMutableBytes { buffer in
            iv.withUnsafeBytes { ivBytes in cipher.apply(iv: ivBytes.baseAddress!, to: buffer) }
        }
        return output
    }

    /// The six session keys of a profile (RFC 3711 §4.3.1 labels 0x00-0x05; RFC 7714 §11, §12 lengths).
    static func sessionKeys(profile: SRTPProfile, masterKey: [UInt8], masterSalt: [UInt8]) throws(SRTPError)
        -> SRTPSessionKeys
    {
        let keyLength = profile.masterKeyLength
        let saltLength = profile == .aes128CmHmacSha1_80 ? 14 : 12
        let authLength = profile == .aes128CmHmacSha1_80 ? 20 : 0
        func derive(_ label: UInt8, _ length: Int) throws(SRTPError) -> [UInt8] {
            guard length > 0 else { return [] }
            return try Self.derive(masterKey: masterKey, masterSalt: masterSalt, label: label, length: length)
        }
        return SRTPSessionKeys(
            rtpKey: try derive(0, keyLength), rtpAuthKey: try derive(1, authLength), rtpSalt: try derive(2, saltLength),
            rtcpKey: try derive(3, keyLength), rtcpAuthKey: try derive(4, authLength),
            rtcpSalt: try derive(5, saltLength))
    }
}
