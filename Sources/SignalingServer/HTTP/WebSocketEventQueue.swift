import Synchronization

/// Every WebSocket connection's events in arrival order, for one consumer that takes whatever has accumulated at
/// once: under load a batch holds many events, and the server writes each connection once per batch.
final class WebSocketEventQueue: Sendable {
    private struct State {
        var events: [WebSocketEvent] = []
        var waiter: CheckedContinuation<[WebSocketEvent]?, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    /// Adds an event (from a connection's event loop).
    func push(_ event: WebSocketEvent) {
        let waiter = state.withLock { state -> CheckedContinuation<[WebSocketEvent]?, Never>? in
            guard !state.finished else { return nil }
            guard let waiter = state.waiter else {
                state.events.append(event)
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: [event])
    }

    /// Ends the queue: `next` returns what is left, then nil.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[WebSocketEvent]?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Every event queued so far, waiting for one if there is none; nil once finished and drained.
    func next() async -> [WebSocketEvent]? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [WebSocketEvent]?? in
                if !state.events.isEmpty {
                    defer { state.events = [] }
                    return .some(state.events)
                }
                if state.finished { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
