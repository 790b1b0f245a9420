import Signaling

/// What the hub is configured with at startup.
public struct SignalingHubConfiguration: Sendable {
    /// When set, CONNECT must carry `auth.token` equal to this.
    public var token: String?
    /// The STUN/TURN servers listed in every `join` acknowledgement (as `ICEServerOptions` groups them).
    public var iceServers: [ICEServer]
    /// When set, each entry of `iceServers` with a TURN URL and no `username` gets TURN REST credentials minted for
    /// the joining participant, afresh for every `join`.
    public var turnREST: TURNRESTSecret?

    /// A configuration.
    public init(token: String? = nil, iceServers: [ICEServer] = [], turnREST: TURNRESTSecret? = nil) {
        self.token = token
        self.iceServers = iceServers
        self.turnREST = turnREST
    }

    /// The `iceServers` of the `join` acknowledgement for `participant` (its socket id) at `now`, milliseconds since
    /// the Unix epoch (the wall-clock time the server passes in with the packet): `iceServers`, with minted
    /// credentials where `turnREST` applies. Should OpenSSL fail to compute the HMAC, the entry stays without them.
    public func iceServers(for participant: String, now: Double) -> [ICEServer] {
        let seconds = now / 1000
        let unixTime = seconds.isFinite && abs(seconds) < 1e15 ? Int(seconds.rounded(.down)) : 0
        guard let turnREST, iceServers.contains(where: Self.mintsCredentials),
              let minted = turnREST.credentials(for: participant, unixTime: unixTime) else { return iceServers }
        return iceServers.map { server in
            guard Self.mintsCredentials(server) else { return server }
            return ICEServer(urls: server.urls, username: minted.username, credential: minted.credential)
        }
    }

    /// An entry with a TURN URL and no username: its credentials are minted per `join` when `turnREST` is set.
    private static func mintsCredentials(_ server: ICEServer) -> Bool {
        server.username == nil && server.parsedURLs.contains(where: \.isTURN)
    }
}
