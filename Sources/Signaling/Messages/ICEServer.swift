/// A STUN or TURN server as the browser's `RTCIceServer` dictionary (W3C WebRTC, section 4.2.1), which the `join`
/// acknowledgement lists under `iceServers`.
public struct ICEServer: Equatable, Hashable, Sendable {
    /// `stun:` or `turn:` URLs (RFC 7064, RFC 7065).
    public var urls: [String]
    /// The TURN username.
    public var username: String?
    /// The TURN password.
    public var credential: String?

    /// An ICE server entry.
    public init(urls: [String], username: String? = nil, credential: String? = nil) {
        self.urls = urls
        self.username = username
        self.credential = credential
    }

    /// Reads the command-line form: `stun:HOST:PORT`, or `turn:USER:PASS@HOST:PORT` where the credentials move
    /// into `username`/`credential` and the URL keeps `turn:HOST:PORT` (RFC 7065 URLs carry no credentials).
    /// `turns:` works like `turn:`. Returns `nil` for anything else.
    public init?(commandLine text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        let scheme = parts[0].lowercased()
        let rest = String(parts[1])
        switch scheme {
        case "stun", "stuns":
            guard !rest.contains("@"), Self.isHostPort(rest) else { return nil }
            self.init(urls: ["\(scheme):\(rest)"])
        case "turn", "turns":
            guard let at = rest.lastIndex(of: "@") else { return nil }
            let userInfo = rest[..<at]
            let hostPort = String(rest[rest.index(after: at)...])
            guard let colon = userInfo.firstIndex(of: ":"), Self.isHostPort(hostPort) else { return nil }
            let username = String(userInfo[..<colon])
            let credential = String(userInfo[userInfo.index(after: colon)...])
            guard !username.isEmpty, !credential.isEmpty else { return nil }
            self.init(urls: ["\(scheme):\(hostPort)"], username: username, credential: credential)
        default:
            return nil
        }
    }

    /// `host` or `host:port` (port 1 to 65535; an IPv6 host in brackets), optionally with a `?transport=` query.
    private static func isHostPort(_ text: String) -> Bool {
        let withoutQuery = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        var host = Substring(withoutQuery)
        var port: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let after = host[host.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return false }
                port = after.dropFirst()
            }
            host = host[...close]
        } else if let colon = host.lastIndex(of: ":") {
            port = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) else { return false }
        if let port {
            guard let number = Int(port), (1...65535).contains(number) else { return false }
        }
        return true
    }

    /// The `RTCIceServer` object.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["urls": .array(urls.map { .string($0) })]
        if let username { object["username"] = .string(username) }
        if let credential { object["credential"] = .string(credential) }
        return .object(object)
    }

    /// Reads an `RTCIceServer` object; `urls` may be one string or an array.
    public init?(json: JSONValue) {
        if let url = json["urls"]?.stringValue {
            urls = [url]
        } else if let list = json["urls"]?.arrayValue {
            let strings = list.compactMap(\.stringValue)
            guard strings.count == list.count else { return nil }
            urls = strings
        } else {
            return nil
        }
        username = json["username"]?.stringValue
        credential = json["credential"]?.stringValue
    }
}
