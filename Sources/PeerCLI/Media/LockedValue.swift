import Synchronization

/// A value several threads share, behind a mutex, as a reference (a `Mutex` itself cannot be captured by the
/// closures of codec threads: it is not copyable).
final class LockedValue<Value>: Sendable {
    private let mutex: Mutex<Value>

    /// A shared `value`.
    init(_ value: sending Value) { mutex = Mutex(value) }

    /// Runs `body` with the value, holding the lock.
    func withLock<R: Sendable>(_ body: (inout sending Value) throws -> sending R) rethrows -> R {
        try mutex.withLock { try body(&$0) }
    }
}
