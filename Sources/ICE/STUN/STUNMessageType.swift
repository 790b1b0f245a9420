/// A STUN method: the 12-bit operation code of RFC 8489 §5 (Binding) and RFC 8656 §17 (TURN methods).
public struct STUNMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 12-bit method number.
    public let rawValue: UInt16

    /// A method from its number; only the low 12 bits are kept because the type field has no room for more.
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x0FFF }

    /// Binding (RFC 8489 §18.1).
    public static let binding = STUNMethod(rawValue: 0x001)
    /// TURN Allocate (RFC 8656 §17).
    public static let allocate = STUNMethod(rawValue: 0x003)
    /// TURN Refresh (RFC 8656 §17).
    public static let refresh = STUNMethod(rawValue: 0x004)
    /// TURN Send, indication only (RFC 8656 §17).
    public static let send = STUNMethod(rawValue: 0x006)
    /// TURN Data, indication only (RFC 8656 §17).
    public static let data = STUNMethod(rawValue: 0x007)
    /// TURN CreatePermission (RFC 8656 §17).
    public static let createPermission = STUNMethod(rawValue: 0x008)
    /// TURN ChannelBind (RFC 8656 §17).
    public static let channelBind = STUNMethod(rawValue: 0x009)

    /// The method's RFC name, or its number in hex.
    public var description: String {
        switch rawValue {
        case 0x001: return "Binding"
        case 0x003: return "Allocate"
        case 0x004: return "Refresh"
        case 0x006: return "Send"
        case 0x007: return "Data"
        case 0x008: return "CreatePermission"
        case 0x009: return "ChannelBind"
        default: return "Method(0x\(String(rawValue, radix: 16)))"
        }
    }
}

/// The class of a STUN message (RFC 8489 §5): the two C bits of the message type.
public enum STUNClass: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// A request, answered by a success or error response.
    case request = 0b00
    /// An indication: no response is expected.
    case indication = 0b01
    /// A success response.
    case successResponse = 0b10
    /// An error response, carrying ERROR-CODE.
    case errorResponse = 0b11

    /// The class in words.
    public var description: String {
        switch self {
        case .request: "request"
        case .indication: "indication"
        case .successResponse: "success response"
        case .errorResponse: "error response"
        }
    }
}

/// The 14-bit STUN message type: a method and a class interleaved bit by bit (RFC 8489 §5, Figure 3).
///
/// ```
///                   0                 1
///                   2  3  4 5 6 7 8 9 0 1 2 3 4 5
///                  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
///                  |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
///                  |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
///                  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The class bits sit between method bits so that the type stays backward compatible with RFC 3489's numbering.
public struct STUNMessageType: Hashable, Sendable, CustomStringConvertible {
    /// The method (Binding, Allocate, ...).
    public var method: STUNMethod
    /// The class (request, indication, success or error response).
    public var messageClass: STUNClass

    /// A type from its method and class.
    public init(method: STUNMethod, messageClass: STUNClass) {
        self.method = method
        self.messageClass = messageClass
    }

    /// Splits a 14-bit type field; the two top bits (which must be zero in STUN) are ignored here.
    public init(rawValue: UInt16) {
        let method = (rawValue & 0x000F) | ((rawValue >> 1) & 0x0070) | ((rawValue >> 2) & 0x0F80)
        let classBits = UInt8((rawValue >> 4) & 0x1) | UInt8((rawValue >> 7) & 0x2)
        self.method = STUNMethod(rawValue: method)
        // Two bits can only hold 0...3, each of which is a case.
        self.messageClass = STUNClass(rawValue: classBits) ?? .request
    }

    /// The 14-bit type field as written in the header.
    public var rawValue: UInt16 {
        let m = method.rawValue
        let c = UInt16(messageClass.rawValue)
        return (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 0x1) << 4) | ((c & 0x2) << 7)
    }

    /// E.g. "Binding request".
    public var description: String { "\(method) \(messageClass)" }
}
