import COpenSSL

/// The HMAC key for MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 (RFC 8489 §9).
public struct STUNKey: Hashable, Sendable {
    /// The key bytes.
    public let bytes: [UInt8]

    /// A key from raw bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Short-term credential key (RFC 8489 §9.1.1): the password itself, after OpaqueString (RFC 8265) processing.
    /// ICE passwords (RFC 8445 §5.3) are ASCII, where that processing changes nothing, so the UTF-8 bytes are used
    /// as they are; non-ASCII passwords are not normalized here.
    public static func shortTerm(password: String) -> STUNKey {
        STUNKey(bytes: Array(password.utf8))
    }

    /// Long-term credential key with the MD5 algorithm (RFC 8489 §9.2.2):
    /// MD5(username ":" OpaqueString(realm) ":" OpaqueString(password)). As with `shortTerm`, the strings are taken
    /// as given: SASLprep/OpaqueString is treated as the identity, which is exact for ASCII input; callers with
    /// non-ASCII passwords must prepare them first (RFC 5769 §2.4's "The\u{AD}M\u{AA}tr\u{2168}" prepares to
    /// "TheMatrIX").
    public static func longTerm(username: String, realm: String, password: String) -> STUNKey {
        let input = Array("\(username):\(realm):\(password)".utf8)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = input.withUnsafeBufferPointer { buffer in
            EVP_Digest(buffer.baseAddress, buffer.count, &digest, &length, EVP_md5(), nil)
        }
        // MD5 in the default provider cannot fail for in-memory input; if OpenSSL is built without it the key is
        // empty and every integrity check will fail rather than trap.
        return STUNKey(bytes: ok == 1 ? Array(digest[0..<Int(length)]) : [])
    }
}

/// One-shot HMACs through OpenSSL (RFC 2104).
enum STUNHMAC {
    /// HMAC-SHA1 (20 bytes) of `data` under `key`.
    static func sha1(key: [UInt8], data: ArraySlice<UInt8>) throws(STUNError) -> [UInt8] {
        try compute(EVP_sha1(), name: "HMAC-SHA1", key: key, data: data)
    }

    /// HMAC-SHA256 (32 bytes) of `data` under `key`.
    static func sha256(key: [UInt8], data: ArraySlice<UInt8>) throws(STUNError) -> [UInt8] {
        try compute(EVP_sha256(), name: "HMAC-SHA256", key: key, data: data)
    }

    private static func compute(_ md: OpaquePointer?, name: String, key: [UInt8], data: ArraySlice<UInt8>)
        throws(STUNError) -> [UInt8]
    {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // Arrays bridge to non-null pointers even when empty, which OpenSSL needs for a zero-length key.
        let input = Array(data)
        let result = HMAC(md, key, Int32(key.count), input, input.count, &output, &length)
        guard result != nil else { throw STUNError.cryptoFailure(name) }
        return Array(output[0..<Int(length)])
    }
}
