/// An SRTP protection profile (RFC 5764 §4.1.2, RFC 7714 §14.2), with its IANA number as raw value.
///
/// The same numbers as DTLS's `SRTPProtectionProfile`: the peer converts with `SRTPProfile(rawValue:)` (RTP does not
/// import DTLS).
public enum SRTPProfile: UInt16, CaseIterable, Sendable, CustomStringConvertible {
    /// AES-128 counter mode with an 80-bit HMAC-SHA1 tag (RFC 3711 §4; SRTP_AES128_CM_HMAC_SHA1_80).
    case aes128CmHmacSha1_80 = 0x0001
    /// AES-128-GCM with a 16-byte tag (RFC 7714; SRTP_AEAD_AES_128_GCM).
    case aeadAes128Gcm = 0x0007
    /// AES-256-GCM with a 16-byte tag (RFC 7714; SRTP_AEAD_AES_256_GCM).
    case aeadAes256Gcm = 0x0008

    /// Master key length in bytes.
    public var masterKeyLength: Int {
        switch self {
        case .aes128CmHmacSha1_80, .aeadAes128Gcm: return 16
        case .aeadAes256Gcm: return 32
        }
    }

    /// Master salt length in bytes (112 bits for AES-CM, 96 bits for AEAD, RFC 7714 §12).
    public var masterSaltLength: Int {
        switch self {
        case .aes128CmHmacSha1_80: return 14
        case .aeadAes128Gcm, .aeadAes256Gcm: return 12
        }
    }

    /// Bytes `protect(rtp:)` adds to an RTP packet: the authentication tag.
    public var rtpOverhead: Int {
        switch self {
        case .aes128CmHmacSha1_80: return 10
        case .aeadAes128Gcm, .aeadAes256Gcm: return 16
        }
    }

    /// Bytes `protectRTCP(_:)` adds to an RTCP packet: the E flag and SRTCP index word, then the tag
    /// (RFC 3711 §3.4).
    public var rtcpOverhead: Int { 4 + rtpOverhead }

    /// The profile's IANA name.
    public var description: String {
        switch self {
        case .aes128CmHmacSha1_80: return "SRTP_AES128_CM_HMAC_SHA1_80"
        case .aeadAes128Gcm: return "SRTP_AEAD_AES_128_GCM"
        case .aeadAes256Gcm: return "SRTP_AEAD_AES_256_GCM"
        }
    }
}
