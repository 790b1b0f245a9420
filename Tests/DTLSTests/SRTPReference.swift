import COpenSSL

/// An independent, deliberately simple SRTP sender written straight from the RFCs on top of OpenSSL primitives,
/// used to check libsrtp's output byte for byte: RFC 3711 §4.3.1 key derivation (kdr = 0), §4.1.1 AES-CM, §4.2
/// HMAC-SHA1-80, and RFC 7714 §8.1 AES-GCM.
enum SRTPReference {
    /// AES in ECB mode on whole blocks: the PRF under AES-CM.
    static func aesECB(key: [UInt8], _ input: [UInt8]) -> [UInt8] {
        let context = EVP_CIPHER_CTX_new()!
        defer { EVP_CIPHER_CTX_free(context) }
        let cipher = key.count == 32 ? EVP_aes_256_ecb() : EVP_aes_128_ecb()
        EVP_EncryptInit_ex(context, cipher, nil, key, nil)
        EVP_CIPHER_CTX_set_padding(context, 0)
        var output = [UInt8](repeating: 0, count: input.count + 32)
        var length: Int32 = 0
        EVP_EncryptUpdate(context, &output, &length, input, Int32(input.count))
        return Array(output.prefix(Int(length)))
    }

    /// RFC 3711 §4.3.1 with key_derivation_rate 0: x = (label || 0^48) XOR master_salt, keystream AES-CM(x * 2^16).
    /// A 96-bit AEAD salt is padded to 112 bits with zeros on the right, as libsrtp does.
    static func deriveKey(masterKey: [UInt8], masterSalt: [UInt8], label: UInt8, length: Int) -> [UInt8] {
        var x = masterSalt + [UInt8](repeating: 0, count: 14 - masterSalt.count)
        x[7] ^= label
        var stream: [UInt8] = []
        var counter: UInt16 = 0
        while stream.count < length {
            stream += aesECB(key: masterKey, x + [UInt8(counter >> 8), UInt8(counter & 0xFF)])
            counter += 1
        }
        return Array(stream.prefix(length))
    }

    static func hmacSHA1(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        _ = HMAC(EVP_sha1(), key, Int32(key.count), data, data.count, &output, &length)
        return output
    }

    /// AES-CM SRTP with HMAC-SHA1-80 (RFC 3711 §4.1.1, §4.2), ROC 0, no CSRC or extension.
    static func protectAESCM(rtp: [UInt8], masterKey: [UInt8], masterSalt: [UInt8]) -> [UInt8] {
        let sessionKey = deriveKey(masterKey: masterKey, masterSalt: masterSalt, label: 0, length: 16)
        let authKey = deriveKey(masterKey: masterKey, masterSalt: masterSalt, label: 1, length: 20)
        let sessionSalt = deriveKey(masterKey: masterKey, masterSalt: masterSalt, label: 2, length: 14)
        // IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)
        var iv = sessionSalt + [0, 0]
        for byte in 0..<4 { iv[4 + byte] ^= rtp[8 + byte] }  // SSRC
        iv[12] ^= rtp[2]  // SEQ (ROC = 0 fills bytes 8...11)
        iv[13] ^= rtp[3]
        let header = Array(rtp.prefix(12))
        let payload = Array(rtp.dropFirst(12))
        var keystream: [UInt8] = []
        var counter = 0
        while keystream.count < payload.count {
            var block = iv
            let low = (Int(block[14]) << 8 | Int(block[15])) + counter
            block[14] = UInt8((low >> 8) & 0xFF)
            block[15] = UInt8(low & 0xFF)
            keystream += aesECB(key: sessionKey, block)
            counter += 1
        }
        let encrypted = header + zip(payload, keystream).map { $0 ^ $1 }
        let tag = hmacSHA1(key: authKey, encrypted + [0, 0, 0, 0]).prefix(10)  // authenticated portion || ROC
        return encrypted + tag
    }

    /// AES-GCM SRTP (RFC 7714 §8.1): IV = (0x0000 || SSRC || ROC || SEQ) XOR salt, AAD = the RTP header,
    /// 16-byte tag.
    static func protectGCM(rtp: [UInt8], masterKey: [UInt8], masterSalt: [UInt8]) -> [UInt8] {
        let sessionKey = deriveKey(masterKey: masterKey, masterSalt: masterSalt, label: 0, length: masterKey.count)
        let sessionSalt = deriveKey(masterKey: masterKey, masterSalt: masterSalt, label: 2, length: 12)
        var iv: [UInt8] = [0, 0] + Array(rtp[8..<12]) + [0, 0, 0, 0] + Array(rtp[2..<4])
        for index in 0..<12 { iv[index] ^= sessionSalt[index] }
        let header = Array(rtp.prefix(12))
        let payload = Array(rtp.dropFirst(12))
        let context = EVP_CIPHER_CTX_new()!
        defer { EVP_CIPHER_CTX_free(context) }
        let cipher = masterKey.count == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm()
        EVP_EncryptInit_ex(context, cipher, nil, sessionKey, iv)
        var length: Int32 = 0
        EVP_EncryptUpdate(context, nil, &length, header, Int32(header.count))
        var ciphertext = [UInt8](repeating: 0, count: payload.count + 16)
        EVP_EncryptUpdate(context, &ciphertext, &length, payload, Int32(payload.count))
        ciphertext = Array(ciphertext.prefix(Int(length)))
        var tail = [UInt8](repeating: 0, count: 16)
        EVP_EncryptFinal_ex(context, &tail, &length)
        var tag = [UInt8](repeating: 0, count: 16)
        EVP_CIPHER_CTX_ctrl(context, 0x10 /* EVP_CTRL_AEAD_GET_TAG */, 16, &tag)
        return header + ciphertext + tag
    }
}
