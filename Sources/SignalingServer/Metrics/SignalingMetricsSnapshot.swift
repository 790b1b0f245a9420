/// The server's numbers at one moment, as `/metrics` reports them.
struct SignalingMetricsSnapshot: Sendable {
    /// Engine.IO sessions open.
    var sessions: Int
    /// Socket.IO participants of this node (detached ones included).
    var participants: Int
    /// Participants of the other nodes known here (scale-out).
    var remoteParticipants: Int
    /// Participants detached and waiting for recovery.
    var detached: Int
    /// Rooms with at least one member.
    var rooms: Int
    /// Calls ringing or established.
    var calls: Int
    /// The hub's counters.
    var hub: SignalingHub.Stats
    /// The Engine.IO layer's counters.
    var engine: EngineStats
}
