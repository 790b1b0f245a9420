/// A STUN attribute type number (RFC 8489 §14, §18.3; RFC 8445 §16.1; RFC 8656 §18).
public struct STUNAttributeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit type number.
    public let rawValue: UInt16

    /// A type from its number.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Types 0x0000...0x7FFF are comprehension-required: an agent that does not know one must reject the message
    /// (a request with 420 Unknown Attribute), RFC 8489 §14.
    public var isComprehensionRequired: Bool { rawValue < 0x8000 }

    /// MAPPED-ADDRESS (RFC 8489 §14.1).
    public static let mappedAddress = STUNAttributeType(rawValue: 0x0001)
    /// USERNAME (RFC 8489 §14.3).
    public static let username = STUNAttributeType(rawValue: 0x0006)
    /// MESSAGE-INTEGRITY (RFC 8489 §14.5).
    public static let messageIntegrity = STUNAttributeType(rawValue: 0x0008)
    /// ERROR-CODE (RFC 8489 §14.8).
    public static let errorCode = STUNAttributeType(rawValue: 0x0009)
    /// UNKNOWN-ATTRIBUTES (RFC 8489 §14.13).
    public static let unknownAttributes = STUNAttributeType(rawValue: 0x000A)
    /// CHANNEL-NUMBER (RFC 8656 §18.1).
    public static let channelNumber = STUNAttributeType(rawValue: 0x000C)
    /// LIFETIME (RFC 8656 §18.2).
    public static let lifetime = STUNAttributeType(rawValue: 0x000D)
    /// XOR-PEER-ADDRESS (RFC 8656 §18.3).
    public static let xorPeerAddress = STUNAttributeType(rawValue: 0x0012)
    /// DATA (RFC 8656 §18.4).
    public static let data = STUNAttributeType(rawValue: 0x0013)
    /// REALM (RFC 8489 §14.9).
    public static let realm = STUNAttributeType(rawValue: 0x0014)
    /// NONCE (RFC 8489 §14.10).
    public static let nonce = STUNAttributeType(rawValue: 0x0015)
    /// XOR-RELAYED-ADDRESS (RFC 8656 §18.5).
    public static let xorRelayedAddress = STUNAttributeType(rawValue: 0x0016)
    /// EVEN-PORT (RFC 8656 §18.7).
    public static let evenPort = STUNAttributeType(rawValue: 0x0018)
    /// REQUESTED-TRANSPORT (RFC 8656 §18.8).
    public static let requestedTransport = STUNAttributeType(rawValue: 0x0019)
    /// DONT-FRAGMENT (RFC 8656 §18.9).
    public static let dontFragment = STUNAttributeType(rawValue: 0x001A)
    /// MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6).
    public static let messageIntegritySHA256 = STUNAttributeType(rawValue: 0x001C)
    /// USERHASH (RFC 8489 §14.4).
    public static let userhash = STUNAttributeType(rawValue: 0x001E)
    /// XOR-MAPPED-ADDRESS (RFC 8489 §14.2).
    public static let xorMappedAddress = STUNAttributeType(rawValue: 0x0020)
    /// RESERVATION-TOKEN (RFC 8656 §18.10).
    public static let reservationToken = STUNAttributeType(rawValue: 0x0022)
    /// PRIORITY (RFC 8445 §16.1).
    public static let priority = STUNAttributeType(rawValue: 0x0024)
    /// USE-CANDIDATE (RFC 8445 §16.1).
    public static let useCandidate = STUNAttributeType(rawValue: 0x0025)
    /// SOFTWARE (RFC 8489 §14.14).
    public static let software = STUNAttributeType(rawValue: 0x8022)
    /// ALTERNATE-SERVER (RFC 8489 §14.15).
    public static let alternateServer = STUNAttributeType(rawValue: 0x8023)
    /// FINGERPRINT (RFC 8489 §14.7).
    public static let fingerprint = STUNAttributeType(rawValue: 0x8028)
    /// ICE-CONTROLLED (RFC 8445 §16.1).
    public static let iceControlled = STUNAttributeType(rawValue: 0x8029)
    /// ICE-CONTROLLING (RFC 8445 §16.1).
    public static let iceControlling = STUNAttributeType(rawValue: 0x802A)

    /// The RFC name, or the number in hex.
    public var description: String {
        let names: [UInt16: String] = [
            0x0001: "MAPPED-ADDRESS", 0x0006: "USERNAME", 0x0008: "MESSAGE-INTEGRITY", 0x0009: "ERROR-CODE",
            0x000A: "UNKNOWN-ATTRIBUTES", 0x000C: "CHANNEL-NUMBER", 0x000D: "LIFETIME", 0x0012: "XOR-PEER-ADDRESS",
            0x0013: "DATA", 0x0014: "REALM", 0x0015: "NONCE", 0x0016: "XOR-RELAYED-ADDRESS", 0x0018: "EVEN-PORT",
            0x0019: "REQUESTED-TRANSPORT", 0x001A: "DONT-FRAGMENT", 0x001C: "MESSAGE-INTEGRITY-SHA256",
            0x001E: "USERHASH", 0x0020: "XOR-MAPPED-ADDRESS", 0x0022: "RESERVATION-TOKEN", 0x0024: "PRIORITY",
            0x0025: "USE-CANDIDATE", 0x8022: "SOFTWARE", 0x8023: "ALTERNATE-SERVER", 0x8028: "FINGERPRINT",
            0x8029: "ICE-CONTROLLED", 0x802A: "ICE-CONTROLLING",
        ]
        return names[rawValue] ?? "0x" + String(rawValue, radix: 16)
    }
}
