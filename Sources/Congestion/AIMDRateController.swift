import Wire

/// The delay-based rate controller (draft-ietf-rmcat-gcc-02 §5.5): a Hold / Increase / Decrease state machine
/// driven by the over-use signal.
///
/// Far from convergence the estimate grows multiplicatively (8% per second); once a decrease has measured the
/// link capacity, and while the acknowledged rate stays within three standard deviations of that measurement, it
/// grows additively by half a packet per response time. On over-use it drops to `beta` (0.85) × the measured
/// acknowledged rate. It never exceeds 1.5 × the acknowledged rate (plus a small allowance), so it cannot run
/// away from what the network has shown it carries.
public struct AIMDRateController: Sendable {
    /// The controller's state (§5.5).
    public enum State: Sendable, Equatable {
        /// Keep the estimate.
        case hold
        /// Grow the estimate.
        case increase
        /// Cut the estimate.
        case decrease
    }

    /// Decrease factor applied to the acknowledged rate (§5.5: 0.85).
    public var beta = 0.85
    /// Multiplicative growth per second far from convergence (§5.5: 1.08).
    public var multiplicativeIncrease = 1.08
    /// Lowest estimate, bit/s.
    public var minBitrate: Int
    /// Highest estimate, bit/s.
    public var maxBitrate: Int
    /// Round-trip time used for the additive step's response time (100 ms + RTT, §5.5).
    public var rtt: Duration = .milliseconds(100)
    /// Queueing delay standing in the path now (the owner's estimate: RTT above the lowest RTT seen). A decrease
    /// while more than 100 ms stands cuts deeper than `beta`, down to half the acknowledged rate, so the standing
    /// queue drains within a few seconds instead of at 15% of the capacity (LinkUp's addition to §5.5).
    public var standingQueueDelay: Duration = .zero
    /// A standing queue longer than this counts as over-use even while the delay trend is flat: a full drop-tail
    /// queue holds its delay constant (the trendline sees nothing) and turns the excess into loss that the
    /// loss-based controller only holds at (2–10%). LinkUp's addition to §5.5.
    public var maxStandingQueueDelay: Duration = .milliseconds(250)
    /// The current estimate, bit/s.
    public private(set) var estimate: Int
    /// The current state.
    public private(set) var state: State = .hold

    private var lastUpdate: Instant?
    private var lastDecrease: Instant?
    /// Average and variance of the acknowledged rate at decreases, in kbit/s, normalised by the average (§5.5).
    private var capacityAverageKbps: Double?
    private var capacityVariance = 0.4

    /// A controller starting at `startBitrate`, kept within `minBitrate...maxBitrate`.
    public init(startBitrate: Int, minBitrate: Int = 30_000, maxBitrate: Int = 10_000_000) {
        self.minBitrate = minBitrate
        self.maxBitrate = max(maxBitrate, minBitrate)
        estimate = min(max(startBitrate, minBitrate), self.maxBitrate)
    }

    /// Whether the estimate is close to a measured link capacity, so growth is additive.
    public var isNearConvergence: Bool { capacityAverageKbps != nil }

    /// Sets the estimate directly (a probe result or a cap from the receiver).
    public mutating func setEstimate(_ bitrate: Int, now: Instant) {
        estimate = min(max(bitrate, minBitrate), maxBitrate)
        lastUpdate = now
    }

    /// Applies the signal `usage` with the measured acknowledged rate at `now`; returns the new estimate.
    @discardableResult
    public mutating func update(usage signal: BandwidthUsage, ackedBitrate: Int?, now: Instant) -> Int {
        let usage = signal == .normal && standingQueueDelay > maxStandingQueueDelay ? .overusing : signal
        switch (usage, state) {
        case (.overusing, _): state = .decrease
        case (.underusing, _): state = .hold
        case (.normal, .hold): state = .increase
        case (.normal, .decrease): state = .hold
        case (.normal, .increase): break
        }
        let elapsed = lastUpdate.map { min(max((now - $0).milliseconds, 0), 1_000) } ?? 0
        lastUpdate = now
        switch state {
        case .hold:
            break
        case .increase:
            increase(elapsedMs: elapsed, ackedBitrate: ackedBitrate)
        case .decrease:
            // One cut per response time (the queue needs a round trip to show the effect of the last one), the
            // wait capped at 200 ms since a growing queue inflates the RTT; at once if throughput halved.
            let wait = min(max(rtt, .milliseconds(10)), .milliseconds(200))
            let collapsed = ackedBitrate.map { $0 < estimate / 2 } ?? false
            if collapsed || (lastDecrease.map { now - $0 >= wait } ?? true) {
                decrease(ackedBitrate: ackedBitrate, now: now)
            }
            state = .hold
        }
        return estimate
    }

    private mutating func increase(elapsedMs: Double, ackedBitrate: Int?) {
        if let acked = ackedBitrate, let average = capacityAverageKbps {
            // Out of the band around the measured capacity: the path changed, converge afresh.
            let deviation = 3 * (average * capacityVariance).squareRoot()
            if Double(acked) / 1_000 > average + deviation { capacityAverageKbps = nil }
        }
        var next = Double(estimate)
        if isNearConvergence {
            // §5.5: alpha = 0.5 × (elapsed / response time) of an average-sized packet, for a 30 fps stream of
            // packets up to 1200 bytes: half a packet per response time (100 ms + RTT).
            let bitsPerFrame = Double(estimate) / 30
            let packetsPerFrame = (bitsPerFrame / (1_200 * 8)).rounded(.up)
            let packetBits = bitsPerFrame / max(packetsPerFrame, 1)
            let responseMs = 100 + rtt.milliseconds
            let perSecond = max(4_000, 0.5 * packetBits * 1_000 / responseMs)
            next += perSecond * elapsedMs / 1_000
        } else {
            next *= power(multiplicativeIncrease, elapsedMs / 1_000)
            next = max(next, Double(estimate) + 1_000 * elapsedMs / 1_000)
        }
        if let acked = ackedBitrate {
            // §5.5: the estimate stays below 1.5 × the incoming rate; never lowered by this cap.
            let cap = 1.5 * Double(acked) + 10_000
            next = min(next, max(cap, Double(estimate)))
        }
        estimate = min(max(Int(next), minBitrate), maxBitrate)
    }

    private mutating func decrease(ackedBitrate: Int?, now: Instant) {
        guard let acked = ackedBitrate else {
            estimate = max(Int(Double(estimate) * beta), minBitrate)
            return
        }
        let excess = max(standingQueueDelay - .milliseconds(100), .zero).milliseconds / 1_000
        let decreased = Int(max(beta - 0.5 * excess, 0.5) * Double(acked))
        // Never increase on a decrease; the acked rate can exceed the estimate just after a probe.
        estimate = min(max(min(decreased, estimate), minBitrate), maxBitrate)
        updateCapacity(ackedKbps: Double(acked) / 1_000)
        lastDecrease = now
    }

    private mutating func updateCapacity(ackedKbps: Double) {
        guard let average = capacityAverageKbps else {
            capacityAverageKbps = ackedKbps
            return
        }
        let deviation = 3 * (average * capacityVariance).squareRoot()
        if ackedKbps < average - deviation { capacityAverageKbps = ackedKbps; return }
        let alpha = 0.05
        let updated = (1 - alpha) * average + alpha * ackedKbps
        let normalisation = max(updated, 1)
        capacityVariance = (1 - alpha) * capacityVariance
            + alpha * (updated - ackedKbps) * (updated - ackedKbps) / normalisation
        capacityVariance = min(max(capacityVariance, 0.4), 2.5)
        capacityAverageKbps = updated
    }
}
