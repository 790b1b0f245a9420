import Wire

/// How an agent reaches a STUN or TURN server: plain UDP, TCP, or TLS over TCP (RFC 8656 §3.1, RFC 7065).
public enum ICEServerTransport: String, Hashable, Sendable, CustomStringConvertible {
    /// Datagrams from the host candidate's own socket.
    case udp
    /// A TCP connection of its own, with RFC 8656 §12.5 stream framing.
    case tcp
    /// TLS over a TCP connection (`turns:`), framed like TCP.
    case tls

    /// True for the stream transports, whose messages need framing and are never retransmitted (RFC 8489 §6.2.2).
    public var isStream: Bool { self != .udp }

    /// `udp`, `tcp` or `tls`.
    public var description: String { rawValue }
}

/// One STUN or TURN server an agent gathers server-reflexive or relayed candidates from, with its address already
/// resolved: name resolution is I/O, so the runtime or the CLI does it before handing the server to the agent.
public struct ICEServerEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// What the server is used for.
    public enum Kind: Hashable, Sendable {
        /// A STUN server: Binding requests give a server-reflexive candidate (RFC 8445 §5.1.1.2).
        case stun
        /// A TURN server with long-term credentials: an allocation gives a relayed candidate, and its
        /// XOR-MAPPED-ADDRESS a server-reflexive one (RFC 8656 §7).
        case turn(username: String, password: String)
    }

    /// STUN or TURN, with TURN's credentials.
    public var kind: Kind
    /// The server's transport address.
    public var address: TransportAddress
    /// How the server is reached.
    public var transport: ICEServerTransport
    /// The host name as configured (checked against the certificate over TLS, shown in logs and stats).
    public var name: String

    /// A server at `address`; `name` defaults to the address itself.
    public init(kind: Kind, address: TransportAddress, transport: ICEServerTransport = .udp, name: String? = nil) {
        self.kind = kind
        self.address = address
        self.transport = transport
        self.name = name ?? "\(address.ip)"
    }

    /// True for a TURN server.
    public var isTURN: Bool { if case .turn = kind { true } else { false } }

    /// `turn 203.0.113.10:3478 (udp)`, for logs; never shows the credentials.
    public var description: String {
        let scheme = isTURN ? (transport == .tls ? "turns" : "turn") : "stun"
        let where_ = name == "\(address.ip)" ? "\(address)" : "\(name) (\(address))"
        return "\(scheme) \(where_) over \(transport)"
    }
}
