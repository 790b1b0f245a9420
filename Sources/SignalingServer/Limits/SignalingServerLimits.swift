/// The server's protections against floods and slow clients; every value has a `linkup serve` option. The defaults
/// are far above what a real client does, and far below what a flood needs.
public struct SignalingServerLimits: Sendable, Equatable {
    /// Engine.IO sessions open at once; handshakes beyond are refused (HTTP 400 code 4 "Forbidden", or a WebSocket
    /// closed at once).
    public var maxConnections: Int
    /// Handshakes (new sessions) one IP address may open in a burst...
    public var handshakeBurst: Int
    /// ...and per second after that.
    public var handshakesPerSecond: Double
    /// Events one socket may send in a burst (beyond: ack `rate-limited`, the event is dropped)...
    public var eventBurst: Int
    /// ...and per second after that.
    public var eventsPerSecond: Double
    /// Packets waiting to be sent to one session; a client that does not read them in time is disconnected.
    public var maxOutboundPackets: Int
    /// Participants in one room; the next `join` gets `room-full`.
    public var maxRoomSize: Int
    /// Seconds a polling session may stay without a poll in progress before it is closed (a client that stopped
    /// polling, or a flood of handshakes that never poll).
    public var idleTimeout: Double
    /// Seconds a session may stay without joining a Socket.IO namespace (CONNECT) before it is closed; 45 s, the
    /// reference server's `connectTimeout`.
    public var connectTimeout: Double

    /// Limits; the defaults suit a server for a few thousand participants.
    public init(maxConnections: Int = 20_000, handshakeBurst: Int = 500, handshakesPerSecond: Double = 100,
                eventBurst: Int = 1_000, eventsPerSecond: Double = 200, maxOutboundPackets: Int = 4_096,
                maxRoomSize: Int = 5_000, idleTimeout: Double = 10, connectTimeout: Double = 45) {
        self.connectTimeout = connectTimeout
        self.maxConnections = maxConnections
        self.handshakeBurst = handshakeBurst
        self.handshakesPerSecond = handshakesPerSecond
        self.eventBurst = eventBurst
        self.eventsPerSecond = eventsPerSecond
        self.maxOutboundPackets = maxOutboundPackets
        self.maxRoomSize = maxRoomSize
        self.idleTimeout = idleTimeout
    }
}
