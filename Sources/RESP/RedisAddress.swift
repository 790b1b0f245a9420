/// Where a Redis server listens, from a `redis://HOST[:PORT]` URL (the scheme of the IANA-registered Redis URI,
/// without credentials or database here).
public struct RedisAddress: Sendable, Equatable {
    /// The host name or IP address (IPv6 without brackets).
    public var host: String
    /// The TCP port (6379 by default).
    public var port: Int

    /// An address.
    public init(host: String, port: Int = 6379) {
        self.host = host
        self.port = port
    }

    /// Parses `redis://HOST[:PORT]`, with IPv6 hosts in brackets.
    public init(url: String) throws(RedisError) {
        guard url.hasPrefix("redis://") else { throw .badURL(url) }
        var rest = Substring(url.dropFirst("redis://".count))
        while rest.hasSuffix("/") { rest.removeLast() }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .badURL(url) }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw .badURL(url) }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty, !host.contains("/"), !host.contains("@") else { throw .badURL(url) }
        var port = 6379
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw .badURL(url) }
            port = value
        }
        self.init(host: String(host), port: port)
    }
}
