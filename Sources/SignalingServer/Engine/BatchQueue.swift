import Synchronization

/// A queue with many producers (any thread) and one consumer that takes whatever has accumulated at once: under
/// load a batch holds many elements, so the consumer's per-batch work (a write per connection, a Redis round trip) is
/// shared among them. Used for every WebSocket connection's events, and for the messages published to Redis.
final class BatchQueue<Element: Sendable>: Sendable {
    private struct State {
        var elements: [Element] = []
        var waiter: CheckedContinuation<[Element]?, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    /// Adds an element, in order after those pushed before it.
    func push(_ element: Element) {
        let waiter = state.withLock { state -> CheckedContinuation<[Element]?, Never>? in
            guard !state.finished else { return nil }
            guard let waiter = state.waiter else {
                state.elements.append(element)
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: [element])
    }

    /// Ends the queue: `next` returns what is left, then nil.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[Element]?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Every element queued so far, waiting for one if there is none; nil once finished and drained.
    func next() async -> [Element]? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [Element]?? in
                if !state.elements.isEmpty {
                    defer { state.elements = [] }
                    return .some(state.elements)
                }
                if state.finished { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
