import Wire

/// The kind of an ICE candidate (RFC 8445 §5.1.1), which sets its type preference (§5.1.2.2).
public enum CandidateType: String, Hashable, Sendable, CaseIterable {
    /// An address of one of the agent's own interfaces.
    case host
    /// A server-reflexive address learnt from a STUN server.
    case srflx
    /// A peer-reflexive address learnt from a connectivity check.
    case prflx
    /// An address on a TURN relay.
    case relay

    /// The recommended type preferences of RFC 8445 §5.1.2.2.
    public var typePreference: UInt32 {
        switch self {
        case .host: return 126
        case .prflx: return 110
        case .srflx: return 100
        case .relay: return 0
        }
    }
}

/// One ICE candidate of one component: where an agent can be reached (RFC 8445 §5.1.1).
///
/// LinkUp uses BUNDLE and rtcp-mux only, so every candidate belongs to component 1 and the UDP transport.
public struct Candidate: Hashable, Sendable, CustomStringConvertible {
    /// Candidates of the same type, base IP and transport share a foundation (§5.1.1.3): frozen-pair logic uses it.
    public var foundation: String
    /// The component ID; always 1 (RTP with rtcp-mux).
    public var component: UInt8
    /// The priority (§5.1.2.1).
    public var priority: UInt32
    /// The transport address peers send to.
    public var address: TransportAddress
    /// Host, server-reflexive, peer-reflexive or relayed.
    public var type: CandidateType
    /// For a local candidate, the address the agent sends from (its socket); equal to `address` for host candidates.
    public var base: TransportAddress
    /// raddr/rport: the base or mapped address a non-host candidate derives from (informational only).
    public var relatedAddress: TransportAddress?

    /// A candidate with every field given.
    public init(foundation: String, component: UInt8 = 1, priority: UInt32, address: TransportAddress,
                type: CandidateType, base: TransportAddress? = nil, relatedAddress: TransportAddress? = nil) {
        self.foundation = foundation
        self.component = component
        self.priority = priority
        self.address = address
        self.type = type
        self.base = base ?? address
        self.relatedAddress = relatedAddress
    }

    /// priority = 2^24 * type preference + 2^8 * local preference + (256 - component ID)  (RFC 8445 §5.1.2.1).
    public static func priority(type: CandidateType, localPreference: UInt16, component: UInt8 = 1) -> UInt32 {
        (type.typePreference << 24) | (UInt32(localPreference) << 8) | (256 - UInt32(component))
    }

    /// A foundation that is the same exactly for candidates of one type, base IP and transport (§5.1.1.3): a short
    /// stable hash (FNV-1a) of the three, so both sides of a test compute the same one.
    public static func foundation(type: CandidateType, baseIP: IPAddress, transport: String = "udp") -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in Array(type.rawValue.utf8) + baseIP.bytes + Array(transport.utf8) {
            hash = (hash ^ UInt32(byte)) &* 0x0100_0193
        }
        return String(hash % 1_000_000_000)
    }

    /// A host candidate on `address`, with a local preference that favours IPv6 (RFC 8421) and earlier interfaces.
    public static func host(_ address: TransportAddress, interfaceIndex: Int = 0) -> Candidate {
        let family: UInt16 = address.ip.isV6 ? 60_000 : 50_000
        let localPreference = family - UInt16(clamping: max(0, min(interfaceIndex, 9_999)))
        return Candidate(foundation: foundation(type: .host, baseIP: address.ip),
                         priority: priority(type: .host, localPreference: localPreference),
                         address: address, type: .host)
    }

    /// `host 127.0.0.1:5000 prio 2130706431`, for logs.
    public var description: String { "\(type.rawValue) \(address) prio \(priority)" }
}
