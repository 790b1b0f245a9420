/// One decoded video frame as a benchmark sees it: when it was decoded (seconds on the host's monotonic clock, so a
/// script on the same host can line it up with what it did to the network), and, for the test pattern, its
/// capture-to-decode latency and PSNR. `linkup probe --frame-timeline` reports every one.
struct DecodedFrameSample: Codable, Sendable, Equatable {
    /// CLOCK_MONOTONIC seconds (Python's `time.monotonic()` reads the same clock).
    var at: Double
    var latencyMs: Double?
    var psnr: Double?
}
