import COpenSSL
import Foundation

/// SHA-256 fed in pieces (OpenSSL's EVP digest), for files sent and received over data channels: the sender
/// announces the digest, the receiver checks it before the file takes its final name.
final class SHA256Digest {
    private let context: OpaquePointer

    /// A digest of nothing yet.
    init() {
        // EVP_MD_CTX_new fails only when memory is exhausted.
        context = EVP_MD_CTX_new()!
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes`.
    func update(_ bytes: some Collection<UInt8>) {
        _ = bytes.withContiguousStorageIfAvailable { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
            ?? Array(bytes).withUnsafeBufferPointer { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
    }

    /// The digest as 64 lowercase hex digits (the context is finished: make a new one for more).
    func finish() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// The digest of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digest = SHA256Digest()
        digest.update(bytes)
        return digest.finish()
    }
}
