import COpenSSL

/// AES in counter mode (RFC 3711 §4.1.1) on one OpenSSL EVP context kept for the life of the key.
///
/// SRTP's counter is the 128-bit IV with the block number added in its low 16 bits; OpenSSL's AES-CTR increments
/// the whole 128-bit block big-endian, which is the same as long as a packet stays under 2^16 blocks (1 MiB), and
/// SRTP IVs end in 16 zero bits so no carry ever leaves them. A class because it owns the EVP context.
final class AESCounterMode {
    private let context: OpaquePointer

    /// A keystream generator for a 128- or 256-bit AES key.
    init(key: [UInt8]) throws(SRTPError) {
        guard key.count == 16 || key.count == 32 else { throw .invalidKeyLength(expectedKey: 16, expectedSalt: 14) }
        guard let context = EVP_CIPHER_CTX_new() else { throw .library(code: -1) }
        self.context = context
        let cipher = key.count == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr()
        guard EVP_EncryptInit_ex(context, cipher, nil, key, nil) == 1 else {
            EVP_CIPHER_CTX_free(context)
            throw .library(code: -1)
        }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// XORs `buffer` in place with the keystream starting at the 16-byte counter block `iv`.
    func apply(iv: UnsafeRawPointer, to buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var written: Int32 = 0
        // Re-initialising with only an IV keeps the key schedule and resets the counter; it cannot fail on a
        // context that was keyed in init, and in-place operation is allowed for a stream mode.
        _ = EVP_EncryptInit_ex(context, nil, nil, nil, iv.assumingMemoryBound(to: UInt8.self))
        _ = EVP_EncryptUpdate(context, bytes, &written, bytes, Int32(buffer.count))
    }
}
