import Wire

/// The delay-based half of GCC (draft-ietf-rmcat-gcc-02 §5): packet groups (§5.1–5.2) feed the trendline
/// (in place of §5.3's filter), the over-use detector (§5.4) and the AIMD rate controller (§5.5). Used by the
/// sender on transport-wide feedback and by `RembEstimator` on the receiving side.
public struct DelayBasedEstimator: Sendable {
    /// Send-time bursts.
    public private(set) var grouping = InterArrivalGrouping()
    /// Delay trend.
    public private(set) var trendline = TrendlineEstimator()
    /// Over-use signal.
    public private(set) var detector: OveruseDetector
    /// Rate control.
    public var rateController: AIMDRateController

    /// An estimator starting at `startBitrate` within `minBitrate...maxBitrate`, its detector using `gains`.
    public init(startBitrate: Int, minBitrate: Int, maxBitrate: Int, gains: OveruseDetector.Gains = .trendline) {
        detector = OveruseDetector(gains: gains)
        rateController = AIMDRateController(startBitrate: startBitrate, minBitrate: minBitrate,
                                            maxBitrate: maxBitrate)
    }

    /// The current delay-based estimate A_r, bit/s.
    public var estimate: Int { rateController.estimate }
    /// The latest over-use signal.
    public var usage: BandwidthUsage { detector.state }

    /// Adds one received packet (in arrival order; `arrival` on the receiver's clock, `sendTime` on the sender's).
    /// Returns true when it completed a group and the detector was updated.
    @discardableResult
    public mutating func add(sendTime: Instant, arrival: Instant, size: Int) -> Bool {
        guard let delta = grouping.add(sendTime: sendTime, arrival: arrival, size: size) else { return false }
        let sendMs = delta.sendDelta.milliseconds
        let arrivalMs = delta.arrivalDelta.milliseconds
        let nowMs = Double(delta.arrival.nanoseconds) / 1_000_000
        let trend = trendline.update(sendDeltaMs: sendMs, arrivalDeltaMs: arrivalMs, arrivalMs: nowMs)
        detector.detect(trend: trend, sendDeltaMs: sendMs, nowMs: nowMs)
        return true
    }

    /// Runs the rate controller on the current signal (once per feedback, after its packets were added).
    @discardableResult
    public mutating func updateRate(ackedBitrate: Int?, now: Instant) -> Int {
        rateController.update(usage: detector.state, ackedBitrate: ackedBitrate, now: now)
    }
}
