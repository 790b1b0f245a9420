/// A point on a monotonic clock, as a plain value.
///
/// Protocol cores never read a clock: the runtime (or a test's virtual clock) passes `now` in, and cores answer
/// with the `Instant` of their next deadline. The epoch is arbitrary; only differences mean anything.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the clock's arbitrary epoch.
    public var nanoseconds: Int64

    /// The instant `nanoseconds` after the epoch.
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The epoch itself: where virtual clocks in tests start.
    public static let zero = Instant(nanoseconds: 0)

    /// The instant `milliseconds` after the epoch (convenient in tests).
    public static func milliseconds(_ milliseconds: Int64) -> Instant {
        Instant(nanoseconds: milliseconds * 1_000_000)
    }

    /// This instant moved by `duration` (which may be negative).
    public func advanced(by duration: Duration) -> Instant {
        Instant(nanoseconds: nanoseconds + duration.wholeNanoseconds)
    }

    /// The time from `other` to this instant.
    public func duration(since other: Instant) -> Duration {
        .nanoseconds(nanoseconds - other.nanoseconds)
    }

    /// Ordering by time.
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    /// `lhs` moved later by `rhs`.
    public static func + (lhs: Instant, rhs: Duration) -> Instant { lhs.advanced(by: rhs) }
    /// `lhs` moved earlier by `rhs`.
    public static func - (lhs: Instant, rhs: Duration) -> Instant { lhs.advanced(by: .zero - rhs) }
    /// The time between two instants.
    public static func - (lhs: Instant, rhs: Instant) -> Duration { lhs.duration(since: rhs) }

    /// Seconds since the epoch with millisecond precision, for logs.
    public var description: String {
        let millis = nanoseconds / 1_000_000
        let sign = millis < 0 ? "-" : ""
        let magnitude = abs(millis)
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating far outside any timer LinkUp sets).
    public var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled + attoseconds / 1_000_000_000
    }

    /// The duration in milliseconds as a floating-point number, for stats and logs.
    public var milliseconds: Double { Double(wholeNanoseconds) / 1_000_000 }
}

/// The earliest of optional deadlines: how a parent combines its children's `nextDeadline()`.
public func earliest(_ deadlines: Instant?...) -> Instant? {
    deadlines.compactMap { $0 }.min()
}
