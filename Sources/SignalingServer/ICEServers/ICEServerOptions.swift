import Signaling
import Wire

/// The ICE servers `linkup serve` hands out, read from its options: `--ice-server URL` (repeatable; the standard
/// `stun:`, `stuns:`, `turn:`, `turns:` URLs of RFC 7064 and RFC 7065, or the older `turn:USER:PASS@HOST:PORT`),
/// `--turn-user USER:PASS` (static credentials for TURN URLs that carry none), `--turn-secret SECRET` and
/// `--turn-ttl SECONDS` (TURN REST credentials minted for every `join`; see `TURNRESTSecret`).
///
/// The result has the browser's `RTCIceServer` shape: one entry with every STUN URL and no credentials, then one
/// entry per set of TURN credentials with its URLs, in the order the URLs were given. The entry whose credentials
/// are minted per `join` has no `username` or `credential` here; `SignalingHubConfiguration` fills them in.
public struct ICEServerOptions: Equatable, Sendable {
    /// The entries every `join` acknowledgement lists.
    public let iceServers: [ICEServer]
    /// The secret that mints credentials for the TURN entry without any, when `--turn-secret` was given.
    public let turnREST: TURNRESTSecret?

    /// Reads and checks the options; the error says in a sentence what is wrong and with which option.
    public init(urls: [String], turnUser: String? = nil, turnSecret: String? = nil, turnTTL: Int? = nil)
        throws(ICEServerOptionsError) {
        if let turnTTL {
            guard turnSecret != nil else { throw .ttlWithoutSecret }
            guard turnTTL > 0 else { throw .invalidTTL(turnTTL) }
        }
        if let turnSecret, turnSecret.isEmpty { throw .emptySecret }
        if turnUser != nil, turnSecret != nil { throw .userAndSecret }
        var staticCredentials: (username: String, credential: String)?
        if let turnUser {
            guard let pair = Self.splitCredentials(Substring(turnUser)) else { throw .invalidTURNUser }
            staticCredentials = pair
        }
        var stun: [ICEServerURL] = []
        var turn: [(url: ICEServerURL, username: String?, credential: String?)] = []
        var needsCredentials = false
        for argument in urls {
            let (url, inline) = try Self.parse(argument)
            guard url.isTURN else {
                stun.append(url)
                continue
            }
            if let inline {
                turn.append((url, inline.username, inline.credential))
            } else if let staticCredentials {
                needsCredentials = true
                turn.append((url, staticCredentials.username, staticCredentials.credential))
            } else if turnSecret != nil {
                needsCredentials = true
                turn.append((url, nil, nil))
            } else {
                throw .missingTURNCredentials(argument)
            }
        }
        if !needsCredentials {
            if turnSecret != nil { throw .unusedSecret }
            if turnUser != nil { throw .unusedTURNUser }
        }
        var servers = stun.isEmpty ? [] : [ICEServer(Self.unique(stun))]
        var groups: [(username: String?, credential: String?, urls: [ICEServerURL])] = []
        for entry in turn {
            let key = (entry.username, entry.credential)
            if let index = groups.firstIndex(where: { ($0.username, $0.credential) == key }) {
                groups[index].urls.append(entry.url)
            } else {
                groups.append((entry.username, entry.credential, [entry.url]))
            }
        }
        servers += groups.map { ICEServer(Self.unique($0.urls), username: $0.username, credential: $0.credential) }
        iceServers = servers
        turnREST = turnSecret.map { TURNRESTSecret($0, ttl: turnTTL ?? TURNRESTSecret.defaultTTL) }
    }

    /// One `--ice-server` value: a standard URL, or `turn:USER:PASS@HOST[:PORT][?transport=...]` (also `turns:`),
    /// whose credentials come back beside the URL (the last `@` ends them, so a password may contain `@`).
    private static func parse(_ argument: String) throws(ICEServerOptionsError)
        -> (ICEServerURL, (username: String, credential: String)?) {
        var text = argument
        var inline: (username: String, credential: String)?
        if let colon = argument.firstIndex(of: ":"), let at = argument.lastIndex(of: "@"),
           ["turn", "turns"].contains(argument[..<colon].lowercased()) {
            let userInfo = argument[argument.index(after: colon)..<at]
            guard let pair = splitCredentials(userInfo) else { throw .invalidCredentials(argument) }
            inline = pair
            text = String(argument[...colon] + argument[argument.index(after: at)...])
        }
        do {
            return (try ICEServerURL(parsing: text), inline)
        } catch {
            throw .invalidURL(argument, error)
        }
    }

    /// `USER:PASS` with both parts non-empty, split at the last `:`: TURN REST usernames
    /// (`<expiry>:<name>`) contain colons, their base64 credentials never do.
    public static func splitCredentials(_ text: Substring) -> (username: String, credential: String)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let username = text[..<colon], credential = text[text.index(after: colon)...]
        guard !username.isEmpty, !credential.isEmpty else { return nil }
        return (String(username), String(credential))
    }

    /// `urls` without repeats, first occurrence first.
    private static func unique(_ urls: [ICEServerURL]) -> [ICEServerURL] {
        var seen: Set<ICEServerURL> = []
        return urls.filter { seen.insert($0).inserted }
    }
}
