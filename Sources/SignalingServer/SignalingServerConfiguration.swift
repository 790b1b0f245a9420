import Signaling

/// How `SignalingServer` is set up (`linkup serve` fills it from its options).
public struct SignalingServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The TCP port; 0 asks the system for a free one (the `onListening` callback of `run` says which).
    public var port: Int
    /// The STUN/TURN servers every `join` acknowledgement lists.
    public var iceServers: [ICEServer]
    /// When set, the TURN entries of `iceServers` without a username get TURN REST credentials minted for every
    /// `join` (see `SignalingHubConfiguration.turnREST`).
    public var turnREST: TURNRESTSecret?
    /// When set, Socket.IO CONNECT must carry `auth.token` equal to this.
    public var token: String?
    /// Milliseconds between server pings (Engine.IO `pingInterval`).
    public var pingInterval: Int
    /// Milliseconds to wait for a pong before closing (Engine.IO `pingTimeout`).
    public var pingTimeout: Int
    /// Largest polling payload or WebSocket message accepted, in bytes (Engine.IO `maxPayload`). The default holds a
    /// 64 KiB SDP with room to spare.
    public var maxPayload: Int
    /// The directory of web client files served at `/`; `nil` means the files bundled with this module.
    public var webDirectory: String?
    /// When set, HTTPS and WSS on the same port (TLS through swift-nio-ssl).
    public var tls: SignalingTLSFiles?
    /// When set, CONNECT may carry a signed room token (JWT HS256) made with this secret.
    public var jwtSecret: String?
    /// Floods, slow readers and idle sessions.
    public var limits = SignalingServerLimits()
    /// Seconds a participant whose connection dropped stays recoverable; 0 turns recovery off.
    public var recoveryWindow: Double = 120
    /// When set, the Redis server (`redis://HOST:PORT`) through which several servers share rooms and events.
    public var redisURL: String?

    /// A configuration; the defaults are those of the reference Socket.IO server (25 s ping interval, 20 s timeout,
    /// 1 MB payloads) on 127.0.0.1:8080.
    public init(host: String = "127.0.0.1", port: Int = 8080, iceServers: [ICEServer] = [], token: String? = nil,
                pingInterval: Int = 25_000, pingTimeout: Int = 20_000, maxPayload: Int = 1_000_000,
                webDirectory: String? = nil, turnREST: TURNRESTSecret? = nil) {
        self.host = host
        self.port = port
        self.iceServers = iceServers
        self.turnREST = turnREST
        self.token = token
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.maxPayload = maxPayload
        self.webDirectory = webDirectory
    }
}
