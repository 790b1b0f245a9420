/// One `TokenBucket` per key (a client IP address), created full on first use; buckets that have refilled are
/// dropped by `prune`, so the table only holds the keys that are currently busy.
public struct RateLimiterTable: Sendable {
    /// The burst each key gets.
    public let capacity: Double
    /// The sustained rate each key gets, per second.
    public let rate: Double
    private var buckets: [String: TokenBucket] = [:]

    /// A table giving every key `capacity` and `rate`.
    public init(capacity: Double, rate: Double) {
        self.capacity = capacity
        self.rate = rate
    }

    /// How many keys are tracked.
    public var count: Int { buckets.count }

    /// Takes a token for `key` at `now` (seconds); false when `key` is over its limit.
    public mutating func allow(_ key: String, now: Double) -> Bool {
        var bucket = buckets[key] ?? TokenBucket(capacity: capacity, rate: rate, now: now)
        let allowed = bucket.allow(now: now)
        buckets[key] = bucket
        return allowed
    }

    /// Forgets every key whose bucket is full again at `now`.
    public mutating func prune(now: Double) {
        buckets = buckets.filter { _, bucket in
            var bucket = bucket
            return !bucket.isFull(now: now)
        }
    }
}
