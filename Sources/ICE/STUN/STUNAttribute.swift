import Wire

/// One STUN attribute, typed where LinkUp knows the type (RFC 8489 §14, RFC 8445 §16.1, RFC 8656 §18) and kept
/// verbatim otherwise so that it round-trips.
///
/// Every attribute is a TLV padded to a multiple of four bytes (RFC 8489 §14, Figure 4):
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Type                  |            Length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Value (variable)                ....
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// Length counts the value only, not the padding.
public enum STUNAttribute: Hashable, Sendable {
    /// MAPPED-ADDRESS: the reflexive address in the clear (RFC 8489 §14.1; kept for RFC 3489 servers).
    case mappedAddress(TransportAddress)
    /// XOR-MAPPED-ADDRESS: the reflexive address, XOR-obfuscated (RFC 8489 §14.2).
    case xorMappedAddress(TransportAddress)
    /// XOR-PEER-ADDRESS: a TURN peer (RFC 8656 §18.3).
    case xorPeerAddress(TransportAddress)
    /// XOR-RELAYED-ADDRESS: the relayed address a TURN server allocated (RFC 8656 §18.5).
    case xorRelayedAddress(TransportAddress)
    /// ALTERNATE-SERVER: where to retry after 300 Try Alternate (RFC 8489 §14.15).
    case alternateServer(TransportAddress)
    /// USERNAME, UTF-8 (RFC 8489 §14.3); ICE uses "remote-ufrag:local-ufrag" (RFC 8445 §7.2.2).
    case username(String)
    /// USERHASH: SHA-256 of username ":" realm, for anonymous usernames (RFC 8489 §14.4); 32 bytes.
    case userhash([UInt8])
    /// MESSAGE-INTEGRITY as received: a 20-byte HMAC-SHA1 (RFC 8489 §14.5). Encoders add it through
    /// `STUNMessage.encode(integrity:)` rather than by listing it.
    case messageIntegrity([UInt8])
    /// MESSAGE-INTEGRITY-SHA256 as received: 16...32 bytes of HMAC-SHA256 (RFC 8489 §14.6).
    case messageIntegritySHA256([UInt8])
    /// FINGERPRINT as received: CRC-32 XOR 0x5354554E (RFC 8489 §14.7).
    case fingerprint(UInt32)
    /// ERROR-CODE (RFC 8489 §14.8).
    case errorCode(STUNErrorCode)
    /// REALM, UTF-8 (RFC 8489 §14.9).
    case realm(String)
    /// NONCE, UTF-8 (RFC 8489 §14.10).
    case nonce(String)
    /// UNKNOWN-ATTRIBUTES: the comprehension-required types a server did not understand (RFC 8489 §14.13).
    case unknownAttributes([UInt16])
    /// SOFTWARE: a product description, UTF-8 (RFC 8489 §14.14).
    case software(String)
    /// PRIORITY: the priority a peer-reflexive candidate would get (RFC 8445 §7.1.1).
    case priority(UInt32)
    /// USE-CANDIDATE: the controlling agent nominates this pair (RFC 8445 §7.1.2). No value.
    case useCandidate
    /// ICE-CONTROLLED with the sender's 64-bit tie-breaker (RFC 8445 §7.1.3).
    case iceControlled(UInt64)
    /// ICE-CONTROLLING with the sender's 64-bit tie-breaker (RFC 8445 §7.1.3).
    case iceControlling(UInt64)
    /// LIFETIME in seconds (RFC 8656 §18.2).
    case lifetime(UInt32)
    /// DATA: application bytes in Send and Data indications (RFC 8656 §18.4).
    case data([UInt8])
    /// CHANNEL-NUMBER, 0x4000...0x4FFF in practice (RFC 8656 §18.1); the RFFU half is written as zero.
    case channelNumber(UInt16)
    /// REQUESTED-TRANSPORT: an IP protocol number, 17 for UDP (RFC 8656 §18.8).
    case requestedTransport(UInt8)
    /// DONT-FRAGMENT (RFC 8656 §18.9). No value.
    case dontFragment
    /// EVEN-PORT; `reserveNext` is the R bit asking to reserve the next port too (RFC 8656 §18.7).
    case evenPort(reserveNext: Bool)
    /// RESERVATION-TOKEN: 8 opaque bytes naming a reserved relayed address (RFC 8656 §18.10).
    case reservationToken(UInt64)
    /// Any other attribute, kept verbatim (value without padding).
    case other(type: UInt16, value: [UInt8])

    /// The attribute's type number.
    public var type: STUNAttributeType {
        switch self {
        case .mappedAddress: .mappedAddress
        case .xorMappedAddress: .xorMappedAddress
        case .xorPeerAddress: .xorPeerAddress
        case .xorRelayedAddress: .xorRelayedAddress
        case .alternateServer: .alternateServer
        case .username: .username
        case .userhash: .userhash
        case .messageIntegrity: .messageIntegrity
        case .messageIntegritySHA256: .messageIntegritySHA256
        case .fingerprint: .fingerprint
        case .errorCode: .errorCode
        case .realm: .realm
        case .nonce: .nonce
        case .unknownAttributes: .unknownAttributes
        case .software: .software
        case .priority: .priority
        case .useCandidate: .useCandidate
        case .iceControlled: .iceControlled
        case .iceControlling: .iceControlling
        case .lifetime: .lifetime
        case .data: .data
        case .channelNumber: .channelNumber
        case .requestedTransport: .requestedTransport
        case .dontFragment: .dontFragment
        case .evenPort: .evenPort
        case .reservationToken: .reservationToken
        case let .other(type, _): STUNAttributeType(rawValue: type)
        }
    }

    /// The value length in bytes, without padding: what the attribute's Length field holds.
    public var valueLength: Int {
        switch self {
        case let .mappedAddress(address), let .xorMappedAddress(address), let .xorPeerAddress(address),
             let .xorRelayedAddress(address), let .alternateServer(address):
            return address.ip.isV6 ? 20 : 8
        case let .username(text), let .realm(text), let .nonce(text), let .software(text):
            return text.utf8.count
        case let .userhash(bytes), let .messageIntegrity(bytes), let .messageIntegritySHA256(bytes),
             let .data(bytes), let .other(_, bytes):
            return bytes.count
        case .fingerprint, .priority, .lifetime, .channelNumber, .requestedTransport:
            return 4
        case let .errorCode(error):
            return 4 + error.reason.utf8.count
        case let .unknownAttributes(types):
            return 2 * types.count
        case .useCandidate, .dontFragment:
            return 0
        case .iceControlled, .iceControlling, .reservationToken:
            return 8
        case .evenPort:
            return 1
        }
    }

    /// Header, value and padding: the bytes this attribute adds to a message.
    public var encodedSize: Int { 4 + STUNAttribute.padded(valueLength) }

    /// `length` rounded up to a multiple of four (RFC 8489 §14).
    static func padded(_ length: Int) -> Int { (length + 3) & ~3 }
}
