import CoreMetrics
import Foundation
import Prometheus

/// The Prometheus metrics of `/metrics` (text exposition format 0.0.4), built with swift-metrics on a
/// swift-prometheus registry of its own (no process-wide bootstrap, so several servers can share a process).
/// Counters only ever grow: each scrape adds the difference since the previous one.
final class SignalingMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let state = LockedState()

    init() {
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// The exposition text after taking in `snapshot` (and the Redis round trips so far).
    func render(_ snapshot: SignalingMetricsSnapshot, redisRoundTrips: Int = 0) -> String {
        gauge("linkup_sessions", snapshot.sessions)
        gauge("linkup_connections", snapshot.participants)
        gauge("linkup_connections_detached", snapshot.detached)
        gauge("linkup_participants_remote", snapshot.remoteParticipants)
        gauge("linkup_rooms", snapshot.rooms)
        gauge("linkup_calls_in_progress", snapshot.calls)
        counter("linkup_sessions_opened_total", [], snapshot.engine.opened)
        counter("linkup_events_relayed_total", [], snapshot.hub.delivered)
        counter("linkup_recoveries_total", [], snapshot.hub.recoveries)
        counter("linkup_connects_refused_total", [], snapshot.hub.refusedConnects)
        counter("linkup_redis_round_trips_total", [], redisRoundTrips)
        for (reason, count) in snapshot.hub.refused {
            counter("linkup_events_refused_total", [("reason", reason)], count)
        }
        for (reason, count) in snapshot.engine.refusedHandshakes {
            counter("linkup_handshakes_refused_total", [("reason", reason)], count)
        }
        for (reason, count) in snapshot.engine.closed {
            counter("linkup_sessions_closed_total", [("reason", reason)], count)
        }
        return registry.emitToString()
    }

    private func gauge(_ label: String, _ value: Int) {
        Gauge(label: label, factory: factory).record(value)
    }

    private func counter(_ label: String, _ dimensions: [(String, String)], _ total: Int) {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        let delta = state.advance(key, to: total)
        let counter = Counter(label: label, dimensions: dimensions, factory: factory)
        if delta > 0 { counter.increment(by: delta) }
    }
}

/// The totals exported so far, per counter, behind a lock.
private final class LockedState: @unchecked Sendable {
    private let lock = NSLock()
    private var exported: [String: Int] = [:]

    /// How much `key` grew since the last call, remembering `total`.
    func advance(_ key: String, to total: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let delta = total - (exported[key] ?? 0)
        exported[key] = max(total, exported[key] ?? 0)
        return max(delta, 0)
    }
}
