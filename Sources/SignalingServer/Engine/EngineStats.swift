/// Counters of the Engine.IO layer, exported as metrics.
struct EngineStats: Sendable {
    /// Sessions opened.
    var opened = 0
    /// Handshakes refused, by reason (`max-connections`, `rate-limited`, `shutting-down`).
    var refusedHandshakes: [String: Int] = [:]
    /// Sessions closed, by reason.
    var closed: [String: Int] = [:]
}
