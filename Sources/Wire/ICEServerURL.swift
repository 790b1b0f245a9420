/// A STUN or TURN server URL as `RTCIceServer.urls` carries it: `stun:` and `stuns:` (RFC 7064 §3.1), `turn:` and
/// `turns:` (RFC 7065 §3.1). Parsing never traps; anything outside the grammar is an `ICEServerURLError`.
///
/// ```
/// stunURI       = scheme ":" host [ ":" port ]                  ; RFC 7064 §3.1
/// scheme        = "stun" / "stuns"
///
/// turnURI       = scheme ":" host [ ":" port ]                  ; RFC 7065 §3.1
///                 [ "?transport=" transport ]
/// scheme        = "turn" / "turns"
/// transport     = "udp" / "tcp" / transport-ext
///
/// host          = IP-literal / IPv4address / reg-name           ; RFC 3986 §3.2.2
/// port          = *DIGIT
/// ```
///
/// The port defaults to 3478 (`stun:`, `turn:`) or 5349 (`stuns:`, `turns:`); the transport to UDP for `turn:` and
/// TCP for `turns:` (TLS runs over TCP; `turns:?transport=udp` is refused). Of the `transport-ext` values only `udp`
/// and `tcp` are accepted, since nothing else can reach a TURN server. Host names are kept lower-cased, IPv6
/// addresses in their RFC 5952 form; the URL carries no credentials (they travel beside it, as `username` and
/// `credential`).
public struct ICEServerURL: Hashable, Sendable, CustomStringConvertible {
    /// The URL scheme.
    public enum Scheme: String, CaseIterable, Hashable, Sendable {
        /// STUN over UDP (RFC 7064).
        case stun
        /// STUN over TLS (RFC 7064).
        case stuns
        /// TURN over UDP or TCP (RFC 7065).
        case turn
        /// TURN over TLS (RFC 7065).
        case turns
    }

    /// The transport protocol that carries the STUN or TURN messages.
    public enum Transport: String, Hashable, Sendable {
        /// UDP.
        case udp
        /// TCP (with TLS on top for `stuns:` and `turns:`).
        case tcp
    }

    /// The port of `stun:` and `turn:` URLs that name none (RFC 8489 §18.6).
    public static let defaultPort: UInt16 = 3478
    /// The port of `stuns:` and `turns:` URLs that name none (RFC 8489 §18.6).
    public static let defaultTLSPort: UInt16 = 5349

    /// `stun`, `stuns`, `turn` or `turns`.
    public let scheme: Scheme
    /// The host name (lower case), dotted IPv4 address, or IPv6 address without its brackets.
    public let host: String
    /// The port, the scheme's default when the URL names none.
    public let port: UInt16
    /// The transport: the `?transport=` of a TURN URL; UDP for `stun:`, TCP for `stuns:`.
    public let transport: Transport

    /// Parses `text` (RFC 7064 §3.1, RFC 7065 §3.1); the scheme and the transport are case-insensitive.
    public init(parsing text: String) throws(ICEServerURLError) {
        guard !text.isEmpty else { throw .empty }
        guard let colon = text.firstIndex(of: ":") else { throw .unknownScheme("") }
        let schemeText = text[..<colon]
        guard let scheme = Scheme(rawValue: schemeText.lowercased()) else {
            throw .unknownScheme(String(schemeText))
        }
        var rest = text[text.index(after: colon)...]
        guard !rest.hasPrefix("//") else { throw .authority }
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard !rest.contains("@") else { throw .credentials }
        let (host, portText) = try Self.splitHostPort(rest)
        self.scheme = scheme
        self.host = host
        self.port = try portText.map(Self.parsePort) ?? (scheme.isTLS ? Self.defaultTLSPort : Self.defaultPort)
        self.transport = try Self.parseTransport(query, scheme: scheme)
    }

    /// True for `stuns:` and `turns:` (TLS to the server).
    public var isTLS: Bool { scheme.isTLS }

    /// True for `turn:` and `turns:` (a relay that needs credentials).
    public var isTURN: Bool { scheme == .turn || scheme == .turns }

    /// The host as an IP address, or `nil` for a host name.
    public var address: IPAddress? { IPAddress(host) }

    /// The canonical URL, with the port always and, for TURN, the transport always:
    /// `stun:192.0.2.1:3478`, `turn:[2001:db8::1]:3478?transport=udp`, `turns:turn.example:5349?transport=tcp`.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let url = "\(scheme.rawValue):\(shownHost):\(port)"
        return isTURN ? "\(url)?transport=\(transport.rawValue)" : url
    }

    /// Splits `host [ ":" port ]` and checks the host (RFC 3986 §3.2.2): a bracketed IPv6 literal, a dotted IPv4
    /// address, or a registered name of letters, digits, `-`, `.`, `_` and `~` (the unreserved characters).
    private static func splitHostPort(_ text: Substring) throws(ICEServerURLError) -> (String, Substring?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .invalidHost(String(text)) }
            let literal = text[text.index(after: text.startIndex)..<close]
            guard !literal.contains("%"), let address = IPAddress(String(literal)), address.isV6 else {
                throw .invalidHost(String(text[...close]))
            }
            let after = text[text.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw .invalidHost(String(text)) }
            return (address.description, after.isEmpty ? nil : after.dropFirst())
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw IPAddress(String(text))?.isV6 == true ? .unbracketedIPv6(String(text)) : .invalidHost(String(text))
        }
        let host = parts[0]
        guard !host.isEmpty else { throw .missingHost }
        guard host.utf8.count <= 253, host.unicodeScalars.allSatisfy(Self.isUnreserved) else {
            throw .invalidHost(String(host))
        }
        // All digits and dots reads as an IPv4 address (RFC 3986 §3.2.2: "first-match-wins"), so it must be one.
        if host.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }), IPAddress(String(host)) == nil {
            throw .invalidHost(String(host))
        }
        return (host.lowercased(), parts.count == 2 ? parts[1] : nil)
    }

    private static func isUnreserved(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "~": true
        default: false
        }
    }

    private static func parsePort(_ text: Substring) throws(ICEServerURLError) -> UInt16 {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let port = UInt16(text), port > 0 else {
            throw .invalidPort(String(text))
        }
        return port
    }

    /// The transport from the query (RFC 7065 §3.1: only `transport=`; none at all for STUN, RFC 7064 §3.1).
    private static func parseTransport(_ query: Substring?, scheme: Scheme) throws(ICEServerURLError) -> Transport {
        guard let query else { return scheme.isTLS ? .tcp : .udp }
        guard scheme == .turn || scheme == .turns else { throw .queryOnSTUN }
        let pair = query.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard pair.count == 2, pair[0].lowercased() == "transport", !pair[1].contains("&") else {
            throw .invalidQuery(String(query))
        }
        guard let transport = Transport(rawValue: pair[1].lowercased()) else {
            throw .unknownTransport(String(pair[1]))
        }
        guard !(scheme == .turns && transport == .udp) else { throw .udpOverTLS }
        return transport
    }
}

extension ICEServerURL.Scheme {
    /// True for `stuns` and `turns`.
    public var isTLS: Bool { self == .stuns || self == .turns }
}
