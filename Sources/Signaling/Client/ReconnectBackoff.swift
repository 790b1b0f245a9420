/// When to try again after a lost signaling connection: exponential backoff with full jitter.
///
/// Attempt n (from 0) waits a random time in `[base·2ⁿ / 2, base·2ⁿ]`, capped at `maximum`, so many clients that
/// lost the same server do not all come back in the same instant, yet none waits less than half its step. A
/// successful connection resets the sequence. The random source is injected, so tests can replay it.
public struct ReconnectBackoff: Sendable {
    /// The first step.
    public var base: Duration
    /// No wait is longer than this.
    public var maximum: Duration
    /// How many attempts have failed since the last success.
    public private(set) var attempt = 0

    /// A backoff starting at `base` (default 250 ms) and never waiting longer than `maximum` (default 10 s).
    public init(base: Duration = .milliseconds(250), maximum: Duration = .seconds(10)) {
        self.base = base
        self.maximum = max(base, maximum)
    }

    /// The wait before the next attempt; counts the attempt.
    public mutating func nextDelay(using random: inout some RandomNumberGenerator) -> Duration {
        // 2^attempt overflows nothing: the exponent stops growing once the step passes the maximum.
        let exponent = min(attempt, 30)
        attempt += 1
        let step = min(maximum, base * (1 << exponent))
        let stepNanoseconds = max(Int64(1), step.nanoseconds)
        let jittered = stepNanoseconds / 2 + Int64.random(in: 0...(stepNanoseconds - stepNanoseconds / 2), using: &random)
        return .nanoseconds(jittered)
    }

    /// A connection succeeded: the next failure starts from `base` again.
    public mutating func reset() {
        attempt = 0
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating; signaling delays are far from the limit).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
