/// Why text is not a STUN or TURN URL (`ICEServerURL`); `description` says it in a sentence.
public enum ICEServerURLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is empty.
    case empty
    /// The scheme (before the first `:`) is not `stun`, `stuns`, `turn` or `turns`; empty when there is no `:`.
    case unknownScheme(String)
    /// `//` follows the scheme (these URLs have no authority part: `stun:host`, not `stun://host`).
    case authority
    /// The URL carries `user@` (RFC 7065 URLs have no user part; credentials travel beside the URL).
    case credentials
    /// Nothing stands between the scheme and the port or query.
    case missingHost
    /// The host is neither a name of letters, digits, `-`, `.`, `_`, `~`, nor an IPv4 address, nor a bracketed IPv6
    /// address.
    case invalidHost(String)
    /// An IPv6 address without the brackets a URL needs around it.
    case unbracketedIPv6(String)
    /// The port is not a number from 1 to 65535.
    case invalidPort(String)
    /// A `stun:` or `stuns:` URL with a `?` query (RFC 7064 defines none).
    case queryOnSTUN
    /// A query other than `transport=...`.
    case invalidQuery(String)
    /// A transport other than `udp` or `tcp`.
    case unknownTransport(String)
    /// `turns:` with `?transport=udp`: TLS runs over TCP.
    case udpOverTLS

    /// The sentence a user sees.
    public var description: String {
        switch self {
        case .empty:
            return "the URL is empty"
        case .unknownScheme(let scheme) where scheme.isEmpty:
            return "the URL must start with stun:, stuns:, turn: or turns:"
        case .unknownScheme(let scheme):
            return "the scheme \"\(scheme)\" is not stun, stuns, turn or turns"
        case .authority:
            return "the host follows the scheme's colon directly (stun:HOST, not stun://HOST)"
        case .credentials:
            return "the URL cannot carry a user name (\"@\"): credentials are given separately"
        case .missingHost:
            return "the host is missing"
        case .invalidHost(let host):
            return "\"\(host)\" is not a host name, an IPv4 address or a bracketed IPv6 address"
        case .unbracketedIPv6(let host):
            return "\"\(host)\" reads as an IPv6 address, which must be in brackets: [ADDRESS] or [ADDRESS]:PORT"
        case .invalidPort(let port) where port.utf8.allSatisfy({ (48...57).contains($0) }) && !port.isEmpty:
            return "the port must be 1 to 65535"
        case .invalidPort(let port):
            return "the port \"\(port)\" is not a number from 1 to 65535"
        case .queryOnSTUN:
            return "stun: and stuns: URLs take no \"?\" query"
        case .invalidQuery(let query):
            return "the query \"?\(query)\" is not ?transport=udp or ?transport=tcp"
        case .unknownTransport(let transport):
            return "the transport \"\(transport)\" is not udp or tcp"
        case .udpOverTLS:
            return "turns: runs TLS over TCP, so its transport cannot be udp"
        }
    }
}
