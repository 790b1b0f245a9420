import COpenSSL

/// HMAC-SHA1 message authentication for SRTP and SRTCP (RFC 3711 §4.2.1), truncated to 80 bits (§5.2), on one
/// OpenSSL EVP_MAC context keyed once and re-initialised per packet.
///
/// For SRTP the authenticated input is the authenticated portion followed by the 32-bit ROC (§4.2); for SRTCP the
/// E flag and SRTCP index are part of the packet already (§3.4). A class because it owns the EVP context.
final class SRTPAuthentication {
    /// Bytes of the truncated tag (HMAC_SHA1_80).
    static let tagLength = 10

    private let mac: OpaquePointer
    private let context: OpaquePointer
    private let digest: UnsafeMutablePointer<UInt8>

    /// An authenticator keyed with the 160-bit session authentication key.
    init(key: [UInt8]) throws(SRTPError) {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { throw .library(code: -1) }
        guard let context = EVP_MAC_CTX_new(mac) else {
            EVP_MAC_free(mac)
            throw .library(code: -1)
        }
        self.mac = mac
        self.context = context
        digest = .allocate(capacity: Int(EVP_MAX_MD_SIZE))
        let keyed = "digest".withCString { name in
            "SHA1".withCString { value in
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: value), 0),
                    OSSL_PARAM_construct_end(),
                ]
                return EVP_MAC_init(context, key, key.count, &parameters)
            }
        }
        guard keyed == 1 else { throw .library(code: -1) }
    }

    deinit {
        EVP_MAC_CTX_free(context)
        EVP_MAC_free(mac)
        digest.deallocate()
    }

    /// Writes the 10-byte tag of `data` followed by `trailer` (the big-endian ROC for SRTP; nothing for SRTCP)
    /// to `tag`.
    func computeTag(
        _ data: UnsafeRawBufferPointer, trailer: UInt32?, into tag: UnsafeMutableRawPointer
    ) {
        // A NULL key re-initialises HMAC with the key set in init (OpenSSL 3 EVP_MAC_init).
        _ = EVP_MAC_init(context, nil, 0, nil)
        if let base = data.baseAddress {
            _ = EVP_MAC_update(context, base.assumingMemoryBound(to: UInt8.self), data.count)
        }
        if let trailer {
            var bigEndian = trailer.bigEndian
            withUnsafeBytes(of: &bigEndian) { word in
                _ = EVP_MAC_update(context, word.baseAddress!.assumingMemoryBound(to: UInt8.self), 4)
            }
        }
        var length = 0
        _ = EVP_MAC_final(context, digest, &length, Int(EVP_MAX_MD_SIZE))
        tag.copyMemory(from: digest, byteCount: Self.tagLength)
    }

    /// Whether `tag` (10 bytes) is the tag of `data` || `trailer`, compared in constant time.
    func verify(_ data: UnsafeRawBufferPointer, trailer: UInt32?, tag: UnsafeRawPointer) -> Bool {
        var expected: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &expected) { buffer in
            computeTag(data, trailer: trailer, into: buffer.baseAddress!)
            return CRYPTO_memcmp(buffer.baseAddress!, tag, Self.tagLength) == 0
        }
    }
}
