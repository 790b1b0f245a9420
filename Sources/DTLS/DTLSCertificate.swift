import COpenSSL
import Wire

/// A peer's DTLS identity: a fresh self-signed ECDSA P-256 certificate and its private key.
///
/// WebRTC authenticates DTLS by the certificate's fingerprint carried in SDP (RFC 8827 §6.5), not by a CA chain,
/// so every peer makes its own short-lived certificate. The key pair comes from OpenSSL's CSPRNG (a signing key must
/// not come from a test's seeded generator); only the serial number is drawn from the injected generator. Validity
/// is 30 days from OpenSSL's view of the current time: certificate dates are wall-clock dates by nature, and peers
/// ignore them anyway because they check the fingerprint.
///
/// The value shares one immutable OpenSSL certificate and key; copies are cheap.
public struct DTLSCertificate: @unchecked Sendable {
    /// Owns the OpenSSL objects and frees them with the last copy. Never mutated after creation, which is why the
    /// struct may be `Sendable` (OpenSSL's X509 and EVP_PKEY are safe to read from several threads).
    final class Storage {
        let certificate: OpaquePointer
        let privateKey: OpaquePointer
        init(certificate: OpaquePointer, privateKey: OpaquePointer) {
            self.certificate = certificate
            self.privateKey = privateKey
        }
        deinit {
            X509_free(certificate)
            EVP_PKEY_free(privateKey)
        }
    }

    let storage: Storage
    /// The certificate's SHA-256 fingerprint, as this peer announces it in `a=fingerprint`.
    public let fingerprint: DTLSFingerprint

    /// Makes a new key pair and a self-signed certificate with subject and issuer CN "LinkUp".
    public static func generate<Random: RandomNumberGenerator>(using random: inout Random) throws(DTLSError)
        -> DTLSCertificate
    {
        let key = try generateP256Key()
        guard let x509 = X509_new() else {
            EVP_PKEY_free(key)
            throw .setupFailed(OpenSSLErrors.drain(fallback: "X509_new failed"))
        }
        let storage = Storage(certificate: x509, privateKey: key)
        // A positive 63-bit serial: RFC 5280 §4.1.2.2 wants a positive integer of at most 20 octets.
        let serial = random.next() & 0x7FFF_FFFF_FFFF_FFFF | 1
        let thirtyDays: Int = 30 * 24 * 60 * 60
        var ok = X509_set_version(x509, 2) == 1  // X.509 v3
        ok = ok && ASN1_INTEGER_set_uint64(X509_get_serialNumber(x509), serial) == 1
        ok = ok && X509_gmtime_adj(X509_getm_notBefore(x509), -3600) != nil  // an hour of clock skew
        ok = ok && X509_gmtime_adj(X509_getm_notAfter(x509), thirtyDays) != nil
        ok = ok && X509_set_pubkey(x509, key) == 1
        if let name = X509_get_subject_name(x509) {
            ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, "LinkUp", -1, -1, 0) == 1
            ok = ok && X509_set_issuer_name(x509, name) == 1
        } else {
            ok = false
        }
        ok = ok && X509_sign(x509, key, EVP_sha256()) > 0
        guard ok else { throw .setupFailed(OpenSSLErrors.drain(fallback: "could not build the certificate")) }
        // SHA-256 is always known, so the optional is never nil here.
        guard let fingerprint = try Self.fingerprint(of: x509) else { throw .setupFailed("no SHA-256") }
        return DTLSCertificate(storage: storage, fingerprint: fingerprint)
    }

    /// This certificate's fingerprint with another RFC 8122 hash function ("sha-1" ... "sha-512"); nil for an
    /// unknown one.
    public func fingerprint(algorithm: String) -> DTLSFingerprint? {
        (try? Self.fingerprint(of: storage.certificate, algorithm: algorithm)) ?? nil
    }

    /// The fingerprint of an OpenSSL certificate with one of the RFC 8122 §5 hash functions (the hash of the DER
    /// encoding); SHA-256 unless the peer announced another. Nil for a hash function LinkUp does not know.
    static func fingerprint(of x509: OpaquePointer, algorithm: String = "sha-256") throws(DTLSError)
        -> DTLSFingerprint?
    {
        let digestFunction: OpaquePointer?
        switch algorithm.lowercased() {
        case "sha-1": digestFunction = EVP_sha1()
        case "sha-224": digestFunction = EVP_sha224()
        case "sha-256": digestFunction = EVP_sha256()
        case "sha-384": digestFunction = EVP_sha384()
        case "sha-512": digestFunction = EVP_sha512()
        default: return nil
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(x509, digestFunction, &digest, &length) == 1 else {
            throw .setupFailed(OpenSSLErrors.drain(fallback: "X509_digest failed"))
        }
        return DTLSFingerprint(algorithm: algorithm, bytes: Array(digest.prefix(Int(length))))
    }

    /// An EC key on P-256 (prime256v1), the curve every WebRTC browser accepts for ECDSA certificates.
    private static func generateP256Key() throws(DTLSError) -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw .setupFailed(OpenSSLErrors.drain(fallback: "EVP_PKEY_CTX_new_from_name failed"))
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
            EVP_PKEY_generate(context, &key) == 1, let key
        else { throw .setupFailed(OpenSSLErrors.drain(fallback: "could not generate a P-256 key")) }
        return key
    }
}
