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
    /// Room size cap and per-socket event rate (the other limits are the Engine.IO layer's).
    public var limits: SignalingServerLimits
    /// Milliseconds a participant whose connection dropped stays recoverable (connection state recovery,
    /// PROTOCOL.md); 0 (the default here; `linkup serve` uses 2 minutes) turns recovery off.
    public var recoveryWindow: Double
    /// Events kept per recoverable participant for replay after a reconnection; a participant that misses more
    /// while away cannot be recovered and is disconnected.
    public var recoveryBuffer: Int
    /// This node's id when several servers share rooms over a bus (Redis): the hub then emits `.publish` outputs
    /// for the other nodes and applies theirs with `applyBus`. Nil: one server alone.
    public var nodeID: String?

    /// A configuration.
    public init(token: String? = nil, iceServers: [ICEServer] = [], turnREST: TURNRESTSecret? = nil,
                limits: SignalingServerLimits = SignalingServerLimits(), recoveryWindow: Double = 0,
                recoveryBuffer: Int = 1_000, nodeID: String? = nil) {
        self.nodeID = nodeID
        self.token = token
        self.iceServers = iceServers
        self.turnREST = turnREST
        self.limits = limits
        self.recoveryWindow = recoveryWindow
        self.recoveryBuffer = recoveryBuffer
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
