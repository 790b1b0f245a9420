/// A token bucket rate limiter, fed with the time instead of reading a clock: `capacity` tokens at most, refilled
/// at `rate` tokens per second; each allowed action takes one.
public struct TokenBucket: Sendable, Equatable {
    /// The largest burst.
    public let capacity: Double
    /// Tokens added per second.
    public let rate: Double
    private var tokens: Double
    private var updated: Double

    /// A full bucket at time `now` (seconds, any fixed origin).
    public init(capacity: Double, rate: Double, now: Double) {
        self.capacity = max(capacity, 1)
        self.rate = max(rate, 0)
        self.tokens = self.capacity
        self.updated = now
    }

    /// Takes a token if there is one at `now`; false means the action is over the limit.
    public mutating func allow(now: Double) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Whether the bucket is full again at `now` (then it can be forgotten without changing any decision).
    public mutating func isFull(now: Double) -> Bool {
        refill(now: now)
        return tokens >= capacity
    }

    private mutating func refill(now: Double) {
        guard now > updated else { return }
        tokens = min(capacity, tokens + (now - updated) * rate)
        updated = now
    }
}
