import Wire

/// The retransmission timeout of RFC 9260 §6.3.1: SRTT and RTTVAR from round-trip samples (α = 1/8, β = 1/4),
/// RTO = SRTT + 4 × RTTVAR clamped to [RTO.Min, RTO.Max], doubled on every timeout (§6.3.3 E2).
struct RetransmissionTimeout {
    private let minimum: Int64
    private let maximum: Int64
    private var srtt: Int64?
    private var rttvar: Int64 = 0
    /// The current timeout, nanoseconds.
    private(set) var current: Int64

    init(initial: Duration, minimum: Duration, maximum: Duration) {
        self.minimum = minimum.wholeNanoseconds
        self.maximum = max(maximum.wholeNanoseconds, self.minimum)
        current = min(max(initial.wholeNanoseconds, self.minimum), self.maximum)
    }

    /// The current timeout.
    var duration: Duration { .nanoseconds(current) }
    /// The smoothed round-trip time, nil before the first sample.
    var smoothed: Duration? { srtt.map { .nanoseconds($0) } }

    /// Folds in one round-trip sample (§6.3.1 C2, C3).
    mutating func addSample(_ sample: Duration) {
        // Samples are clamped to [0, 60 s] so that no input can overflow the arithmetic below.
        let rtt = min(max(sample.wholeNanoseconds, 0), 60_000_000_000)
        if let srtt {
            rttvar = (3 * rttvar + abs(srtt - rtt)) / 4
            self.srtt = (7 * srtt + rtt) / 8
        } else {
            srtt = rtt
            rttvar = rtt / 2
        }
        // §6.3.1 C3 G: a zero RTTVAR (a perfectly steady path) is raised to the clock granularity, 1 ms here.
        let variance = max(4 * rttvar, 1_000_000)
        current = min(max((srtt ?? rtt) + variance, minimum), maximum)
    }

    /// Doubles the timeout after an expiry (§6.3.3 E2), up to RTO.Max.
    mutating func backOff() { current = min(current * 2, maximum) }
}
