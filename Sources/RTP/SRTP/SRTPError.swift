/// Why SRTP could not protect or unprotect a packet, or set up a context.
public enum SRTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The packet's index was already seen or is older than the replay window (RFC 3711 §3.3.2).
    case replayed
    /// The authentication tag did not verify: the packet was altered or keyed differently (RFC 3711 §3.3).
    case authenticationFailed
    /// The packet is too short or not version 2 to be RTP/RTCP, so it was not processed.
    case malformedPacket
    /// The master key or salt has the wrong length for the profile.
    case invalidKeyLength(expectedKey: Int, expectedSalt: Int)
    /// libsrtp reported another failure (its `srtp_err_status_t` code), OpenSSL failed to set up a cipher (-1), or
    /// an SRTCP index space was used up (15, libsrtp's `srtp_err_status_key_expired`).
    case library(code: Int32)

    /// A human sentence.
    public var description: String {
        switch self {
        case .replayed: return "An SRTP packet was replayed or arrived too late for the replay window."
        case .authenticationFailed: return "An SRTP packet failed authentication."
        case .malformedPacket: return "A packet is too short or malformed to be protected or unprotected."
        case let .invalidKeyLength(key, salt):
            return "SRTP keys must be a \(key)-byte master key and a \(salt)-byte master salt."
        case let .library(code): return "libsrtp failed with status \(code)."
        }
    }
}
