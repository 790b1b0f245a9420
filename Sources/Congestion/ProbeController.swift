import Wire

/// Decides when to probe (draft-ietf-rmcat-gcc-02 §5.5 relies on the sender finding capacity faster than
/// additive increase; this follows what libwebrtc does):
/// - at start, two clusters at 3× and 6× the start rate;
/// - exponentially afterwards, at 2× each result, while results reach 70% of what was probed;
/// - periodically in application-limited regions (ALR), at 2× the estimate, every `alrProbeInterval`;
/// - optionally (LinkUp's addition, off when nil) every `capacityProbeInterval` while the delay signal has been
///   normal that long and the estimate is below the maximum, so a path whose capacity grew is found within
///   seconds instead of the tens of seconds additive increase needs.
public struct ProbeController: Sendable {
    /// Highest rate ever probed, bit/s.
    public var maxBitrate: Int
    /// Time between probes while application-limited.
    public var alrProbeInterval: Duration = .seconds(5)
    /// Time between capacity probes while not application-limited; nil disables them.
    public var capacityProbeInterval: Duration? = .seconds(3)
    /// A probe result at least this fraction of its target continues exponential probing.
    public var continueFraction = 0.7

    private var nextClusterID = 1
    private var pending: [ProbeCluster] = []
    /// The newest cluster scheduled, whose result may continue exponential probing.
    private var waitingFor: (id: Int, bitrate: Int, since: Instant)?
    private var lastProbe: Instant?
    private var lastNonNormal: Instant?
    private var started = false

    /// A controller probing up to `maxBitrate`.
    public init(maxBitrate: Int) {
        self.maxBitrate = maxBitrate
    }

    /// Schedules the initial probes at 3× and 6× `startBitrate` (once).
    public mutating func start(startBitrate: Int, now: Instant) {
        guard !started else { return }
        started = true
        schedule(bitrate: 3 * startBitrate, now: now)
        schedule(bitrate: 6 * startBitrate, now: now)
    }

    /// The next cluster to send, if one is due; give it to the pacer.
    public mutating func pollProbe() -> ProbeCluster? {
        pending.isEmpty ? nil : pending.removeFirst()
    }

    /// Whether a cluster is waiting for `pollProbe()`.
    public var hasPendingProbe: Bool { !pending.isEmpty }

    /// Cluster `clusterID` delivered `bitrate`: probe further while the newest cluster keeps reaching most of what
    /// was asked and the next cluster would go higher than this one did. Once a probe is capped at `maxBitrate`,
    /// a path narrower than that still delivers 70% of it: without the second rule that probe repeated on every
    /// result, two a second, and its padding kept a 2 Mbit/s link's queue full (Benchmarks/shaped_step.py).
    public mutating func probeResult(clusterID: Int, bitrate: Int, now: Instant) {
        guard let waiting = waitingFor, waiting.id == clusterID else { return }
        waitingFor = nil
        let next = min(2 * bitrate, maxBitrate)
        if Double(bitrate) >= continueFraction * Double(waiting.bitrate), next > waiting.bitrate {
            schedule(bitrate: next, now: now)
        }
    }

    /// Notes the latest delay signal; capacity probes wait until it has been normal for a whole interval.
    public mutating func usage(_ usage: BandwidthUsage, now: Instant) {
        if usage != .normal { lastNonNormal = now }
    }

    /// When `handleTimeout` next has something to decide, if ever.
    public func nextDeadline(applicationLimited: Bool) -> Instant? {
        guard started, let last = lastProbe else { return nil }
        if waitingFor != nil { return last + .seconds(1) }
        if applicationLimited { return last + alrProbeInterval }
        guard let interval = capacityProbeInterval else { return nil }
        return max(last + interval, (lastNonNormal ?? last) + interval)
    }

    /// Starts a periodic probe at 2× `estimate` when one is due; when one is due but cannot be sent (one is
    /// still waiting, or the estimate is at the maximum) the period starts again, so the deadline always moves on.
    public mutating func handleTimeout(now: Instant, estimate: Int, applicationLimited: Bool) {
        if let waiting = waitingFor, now - waiting.since >= .seconds(1) { waitingFor = nil }  // its result is lost
        guard let deadline = nextDeadline(applicationLimited: applicationLimited), deadline <= now else { return }
        guard pending.isEmpty, waitingFor == nil, estimate < maxBitrate else {
            lastProbe = now
            return
        }
        schedule(bitrate: 2 * estimate, now: now)
    }

    private mutating func schedule(bitrate: Int, now: Instant) {
        let capped = min(bitrate, maxBitrate)
        pending.append(ProbeCluster(id: nextClusterID, bitrate: capped))
        nextClusterID += 1
        waitingFor = (nextClusterID - 1, capped, now)
        lastProbe = now
    }
}
