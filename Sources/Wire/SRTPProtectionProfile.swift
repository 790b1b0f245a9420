/// The SRTP protection profiles LinkUp offers in the DTLS `use_srtp` extension (RFC 5764 §4.1.2, RFC 7714 §14.2),
/// with their IANA numbers as raw values.
///
/// It lives in Wire because both sides of DTLS-SRTP need it: DTLS negotiates it and exports keys of its lengths,
/// the SRTP contexts in RTP protect with it (RTP does not import DTLS).
public enum SRTPProtectionProfile: UInt16, CaseIterable, Sendable, CustomStringConvertible {
    /// SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764 §4.1.2): AES-128 counter mode, 80-bit HMAC-SHA1 tag.
    case aes128CmHmacSha1_80 = 0x0001
    /// SRTP_AEAD_AES_128_GCM (RFC 7714 §14.2).
    case aeadAes128Gcm = 0x0007
    /// SRTP_AEAD_AES_256_GCM (RFC 7714 §14.2).
    case aeadAes256Gcm = 0x0008

    /// LinkUp's order of preference: the AEAD profiles first (smaller tag, one pass), then the mandatory
    /// AES-CM profile every WebRTC endpoint supports.
    public static let preferenceOrder: [SRTPProtectionProfile] = [.aeadAes128Gcm, .aeadAes256Gcm, .aes128CmHmacSha1_80]

    /// The profile's name in OpenSSL's `use_srtp` list, which is also its IANA name.
    public var openSSLName: String {
        switch self {
        case .aes128CmHmacSha1_80: return "SRTP_AES128_CM_SHA1_80"
        case .aeadAes128Gcm: return "SRTP_AEAD_AES_128_GCM"
        case .aeadAes256Gcm: return "SRTP_AEAD_AES_256_GCM"
        }
    }

    /// The master key length in bytes (RFC 5764 §4.1.2, RFC 7714 §12).
    public var masterKeyLength: Int {
        switch self {
        case .aes128CmHmacSha1_80, .aeadAes128Gcm: return 16
        case .aeadAes256Gcm: return 32
        }
    }

    /// The master salt length in bytes: 112 bits for AES-CM, 96 bits for AEAD (RFC 7714 §12).
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

    /// The profile's name as OpenSSL writes it.
    public var description: String { openSSLName }
}
