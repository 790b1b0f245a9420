import Wire

/// Why a STUN message or TURN ChannelData frame could not be read or verified (RFC 8489, RFC 8656 §12.4).
///
/// Parsers in this module never trap: every malformed input ends up as one of these cases.
public enum STUNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended early: `needed` more bytes were required at byte `offset`, only `available` were left.
    case truncated(offset: Int, needed: Int, available: Int)
    /// The first two bits of a STUN message are not zero (RFC 8489 §5), so this is not STUN.
    case notSTUN(firstByte: UInt8)
    /// The magic cookie field does not hold 0x2112A442 (RFC 8489 §5).
    case badMagicCookie(UInt32)
    /// The header's message length is not a multiple of four (RFC 8489 §5).
    case lengthNotMultipleOfFour(Int)
    /// The header's length (or ChannelData length) disagrees with the bytes received.
    case lengthMismatch(declared: Int, actual: Int)
    /// An attribute's value could not be read: wrong length or a value the RFC forbids.
    case invalidAttribute(type: UInt16, reason: String)
    /// An attribute follows FINGERPRINT, which RFC 8489 §14.7 requires to be last.
    case attributeAfterFingerprint(type: UInt16)
    /// Verification needs an attribute the message does not carry.
    case missingAttribute(type: UInt16)
    /// MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 does not match the key (RFC 8489 §14.5, §14.6).
    case integrityMismatch
    /// The FINGERPRINT CRC does not match the message (RFC 8489 §14.7).
    case fingerprintMismatch
    /// OpenSSL failed to compute a digest (should not happen; reported rather than trapped).
    case cryptoFailure(String)
    /// An attribute value or the whole message body would exceed the 16-bit length field (65535 bytes).
    case tooLarge(Int)
    /// A ChannelData channel number outside 0x4000...0x4FFF (RFC 8656 §12).
    case invalidChannelNumber(UInt16)

    /// Maps a `Wire.ByteReader` error to the STUN error vocabulary.
    init(_ error: WireError) {
        switch error {
        case let .truncated(offset, needed, available):
            self = .truncated(offset: offset, needed: needed, available: available)
        case let .invalidValue(_, reason):
            self = .invalidAttribute(type: 0, reason: reason)
        }
    }

    /// A sentence for logs and users.
    public var description: String {
        switch self {
        case let .truncated(offset, needed, available):
            return "STUN input ends early at byte \(offset): needed \(needed) more byte(s), only \(available) left"
        case let .notSTUN(firstByte):
            return "not a STUN message: first byte 0x\(Hex.encode([firstByte])) has a top bit set"
        case let .badMagicCookie(value):
            return "STUN magic cookie is 0x\(String(value, radix: 16)), expected 0x2112a442"
        case let .lengthNotMultipleOfFour(length):
            return "STUN message length \(length) is not a multiple of 4"
        case let .lengthMismatch(declared, actual):
            return "length field says \(declared) byte(s) but \(actual) byte(s) were received"
        case let .invalidAttribute(type, reason):
            return "invalid STUN attribute 0x\(String(type, radix: 16)): \(reason)"
        case let .attributeAfterFingerprint(type):
            return "STUN attribute 0x\(String(type, radix: 16)) follows FINGERPRINT, which must be last"
        case let .missingAttribute(type):
            return "STUN message has no attribute 0x\(String(type, radix: 16))"
        case .integrityMismatch:
            return "STUN message integrity check failed: wrong key or altered message"
        case .fingerprintMismatch:
            return "STUN FINGERPRINT does not match the message"
        case let .cryptoFailure(what):
            return "could not compute \(what)"
        case let .tooLarge(size):
            return "\(size) bytes do not fit a STUN or ChannelData 16-bit length field"
        case let .invalidChannelNumber(channel):
            return "TURN channel number 0x\(String(channel, radix: 16)) is outside 0x4000-0x4fff"
        }
    }
}
