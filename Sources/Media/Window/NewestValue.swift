import Synchronization

/// A bounded queue of length one that keeps only the newest value: the writer never waits, a value the reader did
/// not take in time is replaced (and counted). How frames reach a display that may be slower than the call.
public final class NewestValue<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, replaced: Int)>((nil, 0))

    /// An empty slot.
    public init() {}

    /// Puts `value` in, replacing one not yet taken.
    public func put(_ value: Value) {
        state.withLock { state in
            if state.value != nil { state.replaced += 1 }
            state.value = value
        }
    }

    /// Takes the value, if there is one.
    public func take() -> Value? {
        state.withLock { state in
            defer { state.value = nil }
            return state.value
        }
    }

    /// Values replaced before they were taken (frames the display skipped).
    public var replaced: Int { state.withLock { $0.replaced } }
}

/// A bounded first-in first-out queue of events from a device thread to the call: at most `capacity` waiting, the
/// oldest dropped beyond that.
public final class EventQueue<Event: Sendable>: Sendable {
    private let state = Mutex<[Event]>([])
    /// The most events kept.
    public let capacity: Int

    /// A queue of at most `capacity` events.
    public init(capacity: Int = 64) { self.capacity = capacity }

    /// Appends an event (dropping the oldest when full).
    public func post(_ event: Event) {
        state.withLock { events in
            events.append(event)
            if events.count > capacity { events.removeFirst() }
        }
    }

    /// Takes every waiting event, oldest first.
    public func drain() -> [Event] {
        state.withLock { events in
            defer { events.removeAll() }
            return events
        }
    }
}
