import Wire

/// A STUN or TURN server as the browser's `RTCIceServer` dictionary (W3C WebRTC, section 4.2.1), which the `join`
/// acknowledgement lists under `iceServers`.
public struct ICEServer: Equatable, Hashable, Sendable {
    /// `stun:`, `stuns:`, `turn:` or `turns:` URLs (RFC 7064, RFC 7065), as received (`parsedURLs` reads them).
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

    /// An entry listing `urls` in their canonical form (`ICEServerURL.description`).
    public init(_ urls: [ICEServerURL], username: String? = nil, credential: String? = nil) {
        self.init(urls: urls.map(\.description), username: username, credential: credential)
    }

    /// The entries of `urls` that are STUN or TURN URLs (RFC 7064, RFC 7065), parsed; the others are left out (a
    /// browser refuses the whole configuration for one bad URL; a LinkUp peer uses what it can).
    public var parsedURLs: [ICEServerURL] {
        urls.compactMap { try? ICEServerURL(parsing: $0) }
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
