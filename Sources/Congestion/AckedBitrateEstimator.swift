import Wire

/// Throughput of acknowledged packets: bits received over a sliding window of arrival times, the measured
/// incoming rate R_hat that draft-ietf-rmcat-gcc-02 §5.5 decreases to and caps increases by.
public struct AckedBitrateEstimator: Sendable {
    /// Length of the averaging window.
    public var window: Duration
    /// Shortest span of arrivals before a rate is reported.
    public var minimumSpan: Duration
    private var samples: [(arrival: Instant, size: Int)] = []
    private var head = 0
    private var bytes = 0
    private var windowFilled = false

    /// An estimator over `window` of arrivals.
    public init(window: Duration = .milliseconds(300), minimumSpan: Duration = .milliseconds(150)) {
        self.window = window
        self.minimumSpan = minimumSpan
    }

    /// Adds one received packet's arrival (receiver clock) and size in bytes; arrivals should be fed in order.
    public mutating func add(arrival: Instant, size: Int) {
        if let last = samples.last?.arrival, arrival < last - window {
            return  // far out of order: ignore rather than corrupt the window
        }
        samples.append((arrival, size))
        bytes += size
        let newest = arrival
        while head < samples.count, samples[head].arrival <= newest - window {
            bytes -= samples[head].size
            head += 1
            windowFilled = true
        }
        if head > 256, head * 2 > samples.count {
            samples.removeFirst(head)
            head = 0
        }
    }

    /// The acknowledged rate in bit/s, nil until arrivals span `minimumSpan`.
    public var bitrate: Int? {
        guard head < samples.count, let newest = samples.last?.arrival else { return nil }
        let oldest = samples[head].arrival
        let span = newest - oldest
        guard span >= minimumSpan else { return nil }
        // Once the window has slid, the packets in it are what arrived over a whole window.
        let seconds = (windowFilled ? window : span).milliseconds / 1_000
        return Int(Double(bytes * 8) / seconds)
    }

    /// Forgets everything.
    public mutating func reset() {
        samples.removeAll()
        head = 0
        bytes = 0
        windowFilled = false
    }
}
