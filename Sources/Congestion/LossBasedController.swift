import Wire

/// The loss-based controller of draft-ietf-rmcat-gcc-02 §6: over each evaluation period, a loss fraction above
/// 10% cuts the estimate by half the loss, below 2% raises it by 5%, and in between holds it. Random loss of a few
/// percent therefore leaves it alone. While loss is low it also follows the delay-based estimate upward, so it
/// only ever restrains the sender when losses say so (the final target is the smaller of the two, §6).
public struct LossBasedController: Sendable {
    /// Loss fraction above which the estimate decreases (§6: 0.1).
    public var highLoss = 0.10
    /// Loss fraction below which the estimate increases (§6: 0.02).
    public var lowLoss = 0.02
    /// Growth per evaluation period when loss is low (§6: 1.05).
    public var increaseFactor = 1.05
    /// How long losses are counted before each evaluation.
    public var evaluationPeriod: Duration = .seconds(1)
    /// Shortest period after which loss above `highLoss` already decreases the estimate (given four times
    /// `minimumPackets`, so a few percent of random loss does not look heavy in a small sample).
    public var decreasePeriod: Duration = .milliseconds(300)
    /// Fewest packets in a period for it to be evaluated.
    public var minimumPackets = 20
    /// Lowest estimate, bit/s.
    public var minBitrate: Int
    /// Highest estimate, bit/s.
    public var maxBitrate: Int
    /// The loss-based estimate A_s, bit/s.
    public private(set) var estimate: Int
    /// The loss fraction of the last evaluated period.
    public private(set) var lossFraction = 0.0

    private var periodStart: Instant?
    private var lost = 0
    private var total = 0

    /// A controller starting at `startBitrate`.
    public init(startBitrate: Int, minBitrate: Int = 30_000, maxBitrate: Int = 10_000_000) {
        self.minBitrate = minBitrate
        self.maxBitrate = max(maxBitrate, minBitrate)
        estimate = min(max(startBitrate, minBitrate), self.maxBitrate)
    }

    /// Counts `lost` of `total` packets reported at `now` (from transport feedback or an RTCP receiver report;
    /// `lost` may be negative to take back earlier losses that arrived late after all),
    /// evaluating the period once it is over. `delayBasedEstimate` is where a decrease starts from when lower and
    /// what a low-loss period catches up with; `ackedBitrate` bounds the 5% growth to 1.5 × what is getting
    /// through, so a long loss-free period does not leave an estimate far above the path.
    public mutating func report(lost: Int, total: Int, delayBasedEstimate: Int, ackedBitrate: Int?, now: Instant) {
        guard total > 0 || lost < 0 else { return }
        if periodStart == nil { periodStart = now }
        // A negative `lost` takes back losses reported earlier that turned out to be reordering.
        self.lost = max(self.lost + min(lost, max(total, 0)), 0)
        self.total += max(total, 0)
        guard let start = periodStart, self.total >= minimumPackets else { return }
        let fraction = Double(self.lost) / Double(self.total)
        // Heavy loss is acted on after `decreasePeriod`; everything else waits for the whole period.
        let early = fraction > highLoss && now - start >= decreasePeriod && self.total >= 4 * minimumPackets
        guard now - start >= evaluationPeriod || early else { return }
        lossFraction = fraction
        var next = Double(estimate)
        if fraction > highLoss {
            next = Double(min(estimate, delayBasedEstimate)) * (1 - 0.5 * fraction)
        } else if fraction < lowLoss {
            next *= increaseFactor
            if let acked = ackedBitrate { next = min(next, max(Double(estimate), 1.5 * Double(acked) + 10_000)) }
            next = max(next, Double(delayBasedEstimate))
        }
        estimate = min(max(Int(next), minBitrate), maxBitrate)
        periodStart = now
        self.lost = 0
        self.total = 0
    }

    /// Lowers the estimate to `bitrate` when lower (missing feedback: nothing says the path still carries more).
    public mutating func lower(to bitrate: Int) {
        estimate = min(max(min(estimate, bitrate), minBitrate), maxBitrate)
    }

    /// Raises the estimate to `bitrate` when higher: a probe delivered at that rate, so the path carries it
    /// whatever the random loss.
    public mutating func raise(to bitrate: Int) {
        estimate = min(max(estimate, bitrate, minBitrate), maxBitrate)
    }
}
