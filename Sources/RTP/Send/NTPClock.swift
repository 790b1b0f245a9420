import Wire

/// Maps monotonic `Instant`s to NTP wall-clock timestamps (RFC 3550 §4: 32.32 fixed-point seconds since 1900),
/// from one reference pair the runtime reads once from the system clock.
public struct NTPClock: Sendable, Equatable {
    /// The instant of the reference reading.
    public var referenceInstant: Instant
    /// The NTP timestamp at `referenceInstant`.
    public var referenceNTP: UInt64

    /// A mapping in which `referenceInstant` corresponds to `referenceNTP`.
    public init(referenceInstant: Instant, referenceNTP: UInt64) {
        self.referenceInstant = referenceInstant
        self.referenceNTP = referenceNTP
    }

    /// The NTP timestamp of `instant`.
    public func ntp(at instant: Instant) -> UInt64 {
        let delta = Self.fixedPoint(instant - referenceInstant)
        return UInt64(bitPattern: Int64(bitPattern: referenceNTP) &+ delta)
    }

    /// The middle 32 bits of the NTP timestamp of `instant` (the "compact" form LSR and DLSR use, RFC 3550 §6.4.1).
    public func compactNTP(at instant: Instant) -> UInt32 {
        UInt32(truncatingIfNeeded: ntp(at: instant) >> 16)
    }

    /// A duration as signed 32.32 fixed-point seconds.
    static func fixedPoint(_ duration: Duration) -> Int64 {
        let nanos = duration.wholeNanoseconds
        let negative = nanos < 0
        let magnitude = UInt64(nanos.magnitude)
        let seconds = magnitude / 1_000_000_000
        let fraction = ((magnitude % 1_000_000_000) << 32) / 1_000_000_000
        let value = Int64(bitPattern: (seconds << 32) &+ fraction)
        return negative ? 0 &- value : value
    }

    /// A compact (16.16) NTP interval as a duration.
    public static func duration(compact: UInt32) -> Duration {
        .nanoseconds(Int64(compact) * 1_000_000_000 / 65_536)
    }

    /// A duration as a compact (16.16) interval, saturating.
    public static func compact(_ duration: Duration) -> UInt32 {
        let nanos = max(0, duration.wholeNanoseconds)
        return UInt32(clamping: nanos / 1_000_000_000 * 65_536 + (nanos % 1_000_000_000) * 65_536 / 1_000_000_000)
    }

    /// The round-trip time a received report block implies (RFC 3550 §6.4.1): arrival A minus LSR minus DLSR,
    /// in units of 1/65536 s, with A the compact NTP time of `now`. Nil when the block echoes no sender report.
    public func roundTripTime(from block: ReportBlock, now: Instant) -> Duration? {
        RoundTripTime.compute(
            arrival: compactNTP(at: now), lastSenderReport: block.lastSenderReport,
            delaySinceLastSenderReport: block.delaySinceLastSenderReport)
    }
}

/// Round-trip time arithmetic of RFC 3550 §6.4.1.
public enum RoundTripTime {
    /// `arrival - lastSenderReport - delaySinceLastSenderReport` (all compact NTP), as a duration; nil when LSR is 0
    /// (no SR received yet) or the result is negative (clock mismatch).
    public static func compute(
        arrival: UInt32, lastSenderReport: UInt32, delaySinceLastSenderReport: UInt32
    ) -> Duration? {
        guard lastSenderReport != 0 else { return nil }
        let rtt = arrival &- lastSenderReport &- delaySinceLastSenderReport
        guard Int32(bitPattern: rtt) >= 0 else { return nil }
        return NTPClock.duration(compact: rtt)
    }
}
