import Wire

/// Why a DTLS endpoint failed, or why a DTLS helper could not do what was asked.
///
/// Every case reads as a sentence through `description`; the fingerprint mismatch names both fingerprints so a user
/// can compare them with the SDP by eye.
public enum DTLSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The peer's certificate does not hash to the fingerprint its SDP announced (RFC 8122 §5).
    case fingerprintMismatch(expected: DTLSFingerprint, actual: DTLSFingerprint)
    /// The handshake finished without a peer certificate to check.
    case noPeerCertificate
    /// The handshake finished but the peers agreed on no SRTP protection profile (RFC 5764 §4.1.1).
    case noSRTPProfile
    /// OpenSSL rejected the handshake or a record; the text is OpenSSL's error queue.
    case handshakeFailed(String)
    /// OpenSSL gave up after too many retransmissions of a flight (RFC 6347 §4.2.4).
    case retransmissionLimitReached
    /// OpenSSL could not set up a key, certificate or context; the text says which step.
    case setupFailed(String)
    /// A fingerprint string is not "<algorithm> <hex:hex:...>" (RFC 8122 §5).
    case invalidFingerprint(String)
    /// Input arrived after the endpoint had already closed or failed.
    case notOpen

    /// A human sentence for logs and the CLI.
    public var description: String {
        switch self {
        case let .fingerprintMismatch(expected, actual):
            return "The peer's DTLS certificate has fingerprint \(actual), but its SDP announced \(expected)."
        case .noPeerCertificate: return "The peer finished the DTLS handshake without presenting a certificate."
        case .noSRTPProfile: return "The peers agreed on no SRTP protection profile in the DTLS handshake."
        case let .handshakeFailed(detail): return "The DTLS handshake failed: \(detail)."
        case .retransmissionLimitReached: return "The DTLS handshake timed out after too many retransmissions."
        case let .setupFailed(detail): return "DTLS setup failed: \(detail)."
        case let .invalidFingerprint(text): return "\"\(text)\" is not a valid certificate fingerprint."
        case .notOpen: return "The DTLS connection is no longer open."
        }
    }
}
