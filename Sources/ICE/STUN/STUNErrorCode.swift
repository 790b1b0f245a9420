/// The value of an ERROR-CODE attribute: a code 300...699 and a reason phrase (RFC 8489 §14.8).
public struct STUNErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The three-digit code: class × 100 + number.
    public var code: Int
    /// The UTF-8 reason phrase, for humans.
    public var reason: String

    /// An error code with `reason`, or the RFC's phrase for well-known codes when `reason` is nil.
    public init(code: Int, reason: String? = nil) {
        self.code = code
        self.reason = reason ?? STUNErrorCode.defaultReason(for: code)
    }

    /// The hundreds digit, written in the 3-bit Class field.
    public var errorClass: Int { code / 100 }
    /// The last two digits, written in the 8-bit Number field.
    public var number: Int { code % 100 }

    /// 300 Try Alternate (RFC 8489 §15).
    public static let tryAlternate = STUNErrorCode(code: 300)
    /// 400 Bad Request.
    public static let badRequest = STUNErrorCode(code: 400)
    /// 401 Unauthenticated.
    public static let unauthenticated = STUNErrorCode(code: 401)
    /// 403 Forbidden (RFC 8656).
    public static let forbidden = STUNErrorCode(code: 403)
    /// 420 Unknown Attribute: answer with UNKNOWN-ATTRIBUTES listing them.
    public static let unknownAttribute = STUNErrorCode(code: 420)
    /// 437 Allocation Mismatch (RFC 8656).
    public static let allocationMismatch = STUNErrorCode(code: 437)
    /// 438 Stale Nonce.
    public static let staleNonce = STUNErrorCode(code: 438)
    /// 440 Address Family not Supported (RFC 8656).
    public static let addressFamilyNotSupported = STUNErrorCode(code: 440)
    /// 441 Wrong Credentials (RFC 8656).
    public static let wrongCredentials = STUNErrorCode(code: 441)
    /// 442 Unsupported Transport Protocol (RFC 8656).
    public static let unsupportedTransportProtocol = STUNErrorCode(code: 442)
    /// 443 Peer Address Family Mismatch (RFC 8656).
    public static let peerAddressFamilyMismatch = STUNErrorCode(code: 443)
    /// 486 Allocation Quota Reached (RFC 8656).
    public static let allocationQuotaReached = STUNErrorCode(code: 486)
    /// 487 Role Conflict (RFC 8445 §7.3.1.1).
    public static let roleConflict = STUNErrorCode(code: 487)
    /// 500 Server Error.
    public static let serverError = STUNErrorCode(code: 500)
    /// 508 Insufficient Capacity (RFC 8656).
    public static let insufficientCapacity = STUNErrorCode(code: 508)

    /// The RFC's suggested reason phrase for `code`, or "" for codes it does not name.
    public static func defaultReason(for code: Int) -> String {
        switch code {
        case 300: "Try Alternate"
        case 400: "Bad Request"
        case 401: "Unauthenticated"
        case 403: "Forbidden"
        case 420: "Unknown Attribute"
        case 437: "Allocation Mismatch"
        case 438: "Stale Nonce"
        case 440: "Address Family not Supported"
        case 441: "Wrong Credentials"
        case 442: "Unsupported Transport Protocol"
        case 443: "Peer Address Family Mismatch"
        case 486: "Allocation Quota Reached"
        case 487: "Role Conflict"
        case 500: "Server Error"
        case 508: "Insufficient Capacity"
        default: ""
        }
    }

    /// E.g. "487 Role Conflict".
    public var description: String { reason.isEmpty ? "\(code)" : "\(code) \(reason)" }
}
