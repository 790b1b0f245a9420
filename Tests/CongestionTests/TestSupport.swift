import Wire

extension Instant {
    /// The instant `seconds` after the epoch.
    static func seconds(_ seconds: Int64) -> Instant { .milliseconds(seconds * 1_000) }
}
