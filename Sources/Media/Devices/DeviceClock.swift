import Wire

#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC as an `Instant`: the clock V4L2 stamps buffers with and the one `RuntimeClock` in PeerRuntime
/// reads, so capture times from devices line up with the rest of a call's timing.
enum DeviceClock {
    /// Now, in nanoseconds since boot.
    static func now() -> Instant {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Instant(nanoseconds: Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))
    }
}
