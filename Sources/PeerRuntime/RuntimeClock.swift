import NIOCore
import Wire

/// The runtime's monotonic clock, expressed as `Wire.Instant`.
///
/// It reads the same clock NIO schedules timers on (`NIODeadline`, CLOCK_MONOTONIC), so a machine's deadline maps
/// to a NIO deadline exactly and a timer never fires before the `Instant` the machine asked for.
public enum RuntimeClock {
    /// Now, on the monotonic clock (nanoseconds since boot).
    public static func now() -> Instant {
        Instant(nanoseconds: Int64(clamping: NIODeadline.now().uptimeNanoseconds))
    }

    /// The NIO deadline for `instant`; instants before the clock's epoch map to the epoch (that is, "now").
    static func deadline(for instant: Instant) -> NIODeadline {
        .uptimeNanoseconds(UInt64(clamping: max(0, instant.nanoseconds)))
    }
}
