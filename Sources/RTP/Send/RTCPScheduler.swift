import Wire

/// When to send the next regular RTCP report: every `interval`, randomized to 0.5...1.5 times it
/// (RFC 3550 §6.3.1) so that participants do not synchronize.
public struct RTCPScheduler: Sendable {
    /// The nominal report interval (1 s for video and audio in WebRTC is common).
    public var interval: Duration
    private var next: Instant?

    /// A scheduler with the nominal `interval`.
    public init(interval: Duration = .seconds(1)) { self.interval = interval }

    /// Plans the first report from `now` (half an interval at most, RFC 3550 §6.2 halves the first wait).
    public mutating func start(now: Instant, using generator: inout some RandomNumberGenerator) {
        next = now + randomized(using: &generator) / 2
    }

    /// True when a report is due.
    public func isDue(now: Instant) -> Bool { next.map { now >= $0 } ?? false }

    /// Notes a report sent at `now` and plans the next one.
    public mutating func reportSent(now: Instant, using generator: inout some RandomNumberGenerator) {
        next = now + randomized(using: &generator)
    }

    /// When the next report is due.
    public func nextDeadline() -> Instant? { next }

    private func randomized(using generator: inout some RandomNumberGenerator) -> Duration {
        let factor = Double.random(in: 0.5...1.5, using: &generator)
        return .nanoseconds(Int64(Double(interval.wholeNanoseconds) * factor))
    }
}
