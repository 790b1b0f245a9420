import COpenSSL

/// AES-GCM authenticated encryption for the SRTP AEAD profiles (RFC 7714 §5, §8, §9) with a 12-byte IV and a
/// 16-byte tag, on two OpenSSL EVP contexts (one sealing, one opening) keyed once for the life of the key.
///
/// Per packet only the IV is set, so nothing is allocated. Encryption and decryption work in place.
/// A class because it owns the EVP contexts.
final class AESGCM {
    /// Bytes of the authentication tag (RFC 7714 §12: 16 octets for both AEAD profiles).
    static let tagLength = 16

    private let sealer: OpaquePointer
    private let opener: OpaquePointer

    /// A sealer and opener for a 128- or 256-bit AES key.
    init(key: [UInt8]) throws(SRTPError) {
        guard key.count == 16 || key.count == 32 else { throw .invalidKeyLength(expectedKey: 16, expectedSalt: 12) }
        guard let sealer = EVP_CIPHER_CTX_new() else { throw .library(code: -1) }
        guard let opener = EVP_CIPHER_CTX_new() else {
            EVP_CIPHER_CTX_free(sealer)
            throw .library(code: -1)
        }
        self.sealer = sealer
        self.opener = opener
        let cipher = key.count == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm()
        guard EVP_EncryptInit_ex(sealer, cipher, nil, key, nil) == 1,
            EVP_DecryptInit_ex(opener, cipher, nil, key, nil) == 1
        else { throw .library(code: -1) }
    }

    deinit {
        EVP_CIPHER_CTX_free(sealer)
        EVP_CIPHER_CTX_free(opener)
    }

    /// Encrypts `text` in place with associated data `aad` and `aad2` (SRTCP's E flag and index, RFC 7714 §9.2)
    /// and writes the 16-byte tag to `tag`.
    func seal(
        iv: UnsafeRawPointer, aad: UnsafeRawBufferPointer, aad2: UnsafeRawBufferPointer? = nil,
        text: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawPointer
    ) {
        var written: Int32 = 0
        _ = EVP_EncryptInit_ex(sealer, nil, nil, nil, iv.assumingMemoryBound(to: UInt8.self))
        addAAD(sealer, aad, aad2, update: EVP_EncryptUpdate)
        if let base = text.baseAddress, text.count > 0 {
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            _ = EVP_EncryptUpdate(sealer, bytes, &written, bytes, Int32(text.count))
        }
        var scratch: (UInt64, UInt64) = (0, 0)  // GCM's final writes nothing, but give it room
        withUnsafeMutableBytes(of: &scratch) { room in
            _ = EVP_EncryptFinal_ex(sealer, room.baseAddress!.assumingMemoryBound(to: UInt8.self), &written)
        }
        _ = EVP_CIPHER_CTX_ctrl(sealer, EVP_CTRL_AEAD_GET_TAG, Int32(Self.tagLength), tag)
    }

    /// Decrypts `text` in place and checks `tag`; false (with `text` garbled) when authentication fails.
    func open(
        iv: UnsafeRawPointer, aad: UnsafeRawBufferPointer, aad2: UnsafeRawBufferPointer? = nil,
        text: UnsafeMutableRawBufferPointer, tag: UnsafeRawPointer
    ) -> Bool {
        var written: Int32 = 0
        _ = EVP_DecryptInit_ex(opener, nil, nil, nil, iv.assumingMemoryBound(to: UInt8.self))
        addAAD(opener, aad, aad2, update: EVP_DecryptUpdate)
        if let base = text.baseAddress, text.count > 0 {
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            _ = EVP_DecryptUpdate(opener, bytes, &written, bytes, Int32(text.count))
        }
        // OpenSSL copies the expected tag in; it never writes through the pointer.
        _ = EVP_CIPHER_CTX_ctrl(
            opener, EVP_CTRL_AEAD_SET_TAG, Int32(Self.tagLength), UnsafeMutableRawPointer(mutating: tag))
        var scratch: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &scratch) { room in
            EVP_DecryptFinal_ex(opener, room.baseAddress!.assumingMemoryBound(to: UInt8.self), &written) == 1
        }
    }

    private func addAAD(
        _ context: OpaquePointer, _ aad: UnsafeRawBufferPointer, _ aad2: UnsafeRawBufferPointer?,
        update: (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int32>?,
            UnsafePointer<UInt8>?, Int32) -> Int32
    ) {
        var written: Int32 = 0
        // Two calls rather than a loop over an array literal, which would allocate per packet.
        if let base = aad.baseAddress, aad.count > 0 {
            _ = update(context, nil, &written, base.assumingMemoryBound(to: UInt8.self), Int32(aad.count))
        }
        if let aad2, let base = aad2.baseAddress, aad2.count > 0 {
            _ = update(context, nil, &written, base.assumingMemoryBound(to: UInt8.self), Int32(aad2.count))
        }
    }
}
