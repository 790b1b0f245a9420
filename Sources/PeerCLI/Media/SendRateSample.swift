/// The sender's congestion control at one moment, as `linkup probe --frame-timeline` samples it every 250 ms:
/// what it has sent, its target and the two estimates the target is the smaller of.
struct SendRateSample: Codable, Sendable {
    /// CLOCK_MONOTONIC seconds.
    var at: Double
    var bytesSent: Int
    var target: Int?
    var delayBased: Int?
    var lossBased: Int?
    var usage: String?
    var step: String?
    var skipped: Int
    var paddingPackets: Int
    var packetsResent: Int
    var rttMs: Double?
}
