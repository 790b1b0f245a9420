import Synchronization

/// A bounded first-in first-out queue of 16-bit samples shared by two threads (the playback thread writes the
/// far-end reference into it, the capture path reads it for echo cancellation). Keeps at most `capacity` samples,
/// dropping the oldest; a read that finds too few pads with zeros.
public final class AudioFIFO: Sendable {
    private struct State {
        var samples: [Int16] = []
        var dropped = 0
    }

    private let state = Mutex(State())
    /// The most samples kept.
    public let capacity: Int

    /// A queue that keeps at most `capacity` samples.
    public init(capacity: Int) {
        precondition(capacity > 0, "an audio FIFO needs room for at least one sample")
        self.capacity = capacity
    }

    /// Appends samples, dropping the oldest beyond the capacity.
    public func write(_ samples: [Int16]) {
        state.withLock { state in
            state.samples.append(contentsOf: samples)
            if state.samples.count > capacity {
                let excess = state.samples.count - capacity
                state.samples.removeFirst(excess)
                state.dropped += excess
            }
        }
    }

    /// Takes `count` samples (zeros for what is missing).
    public func read(_ count: Int) -> [Int16] {
        state.withLock { state in
            let available = min(count, state.samples.count)
            var out = Array(state.samples.prefix(available))
            state.samples.removeFirst(available)
            if available < count { out += [Int16](repeating: 0, count: count - available) }
            return out
        }
    }

    /// Samples waiting.
    public var count: Int { state.withLock { $0.samples.count } }
    /// Samples dropped because the reader fell behind.
    public var dropped: Int { state.withLock { $0.dropped } }
}
