import RTP
import Wire

/// Google Congestion Control for one sender (draft-ietf-rmcat-gcc-02), sans-IO: fed the packets it sends, the
/// transport-wide feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01), REMB and loss reports it
/// receives, and the time; it answers with the target bitrate, the pacing rate and probe clusters.
///
/// The target is the smallest of the delay-based estimate (§5), the loss-based estimate (§6) and the receiver's
/// REMB cap; without transport-wide feedback the delay-based term is left out and REMB leads.
///
/// Integration, per packet and per timer:
/// 1. `pollProbe()` → `Pacer.startProbe`; `pacingRate` → `Pacer.setPacingRate`.
/// 2. For each packet the pacer releases, `onPacketSent` returns the transport-wide sequence number to write.
/// 3. `handle(_: TransportFeedback, now:)`, `handle(_: ReceiverEstimatedMaxBitrate, now:)`,
///    `handleLossReport` as RTCP arrives; `handleTimeout(now:)` at `nextDeadline()`.
/// 4. Read `targetBitrate` and split it with `BitrateAllocation`.
public struct CongestionController: Sendable {
    /// Limits and switches.
    public struct Configuration: Sendable {
        /// Where estimation starts, bit/s.
        public var startBitrate = 300_000
        /// Lowest target, bit/s.
        public var minBitrate = 30_000
        /// Highest target, bit/s.
        public var maxBitrate = 5_000_000
        /// Pacing rate as a multiple of the target (§4: 2.5).
        public var pacingFactor = 2.5
        /// Whether to probe at 3× and 6× the start rate.
        public var initialProbing = true
        /// The over-use detector's threshold gains (see `OveruseDetector`): `.trendline` unless told otherwise.
        public var detectorGains = OveruseDetector.Gains.trendline
        /// How long transport-wide feedback may be missing, while packets are sent, before the target is cut.
        public var feedbackTimeout: Duration = .milliseconds(1_500)
        /// Capacity probes outside ALR (see `ProbeController.capacityProbeInterval`); nil disables them.
        public var capacityProbeInterval: Duration? = .seconds(3)

        /// The defaults: start at 300 kbit/s, between 30 kbit/s and 5 Mbit/s.
        public init() {}
    }

    /// The configuration in force.
    public let configuration: Configuration
    private var log = SentPacketLog()
    private var delay: DelayBasedEstimator
    private var acked = AckedBitrateEstimator()
    private var loss: LossBasedController
    private var probes: ProbeController
    private var probeEstimator = ProbeBitrateEstimator()
    private var issuedClusters: [Int: ProbeCluster] = [:]
    private var sentRate = AckedBitrateEstimator(window: .milliseconds(500))
    private var rembCap: Int?
    private var rttSamples: [(time: Instant, rtt: Duration)] = []
    private var lastFeedback: Instant?
    private var lastSend: Instant?
    private var lastTimeoutCut: Instant?
    private var hasTransportFeedback = false
    /// Whether the sender has been sending well under the target (application-limited region).
    public private(set) var isApplicationLimited = false
    /// Smoothed round-trip time, from feedback (an over-estimate by the receiver's feedback delay) or RTCP.
    public private(set) var rtt: Duration = .milliseconds(100)
    /// The latest loss fraction the loss-based controller evaluated.
    public var lossFraction: Double { loss.lossFraction }

    /// A controller that starts at `configuration.startBitrate` at `now`, with its initial probes scheduled.
    public init(configuration: Configuration = Configuration(), now: Instant) {
        self.configuration = configuration
        delay = DelayBasedEstimator(startBitrate: configuration.startBitrate, minBitrate: configuration.minBitrate,
                                    maxBitrate: configuration.maxBitrate, gains: configuration.detectorGains)
        loss = LossBasedController(startBitrate: configuration.startBitrate, minBitrate: configuration.minBitrate,
                                   maxBitrate: configuration.maxBitrate)
        probes = ProbeController(maxBitrate: configuration.maxBitrate)
        probes.capacityProbeInterval = configuration.capacityProbeInterval
        if configuration.initialProbing { probes.start(startBitrate: configuration.startBitrate, now: now) }
    }

    /// The bitrate the encoders together should produce, bit/s.
    public var targetBitrate: Int {
        var target = min(loss.estimate, rembCap ?? configuration.maxBitrate)
        if hasTransportFeedback { target = min(target, delay.estimate) }
        return max(target, configuration.minBitrate)
    }

    /// The rate the pacer should release media at, bit/s (`pacingFactor` × target).
    public var pacingRate: Int { Int(configuration.pacingFactor * Double(targetBitrate)) }
    /// The delay-based estimate alone, bit/s.
    public var delayBasedEstimate: Int { delay.estimate }
    /// The loss-based estimate alone, bit/s.
    public var lossBasedEstimate: Int { loss.estimate }
    /// The latest delay signal.
    public var bandwidthUsage: BandwidthUsage { delay.usage }
    /// The acknowledged throughput, bit/s, once measured.
    public var ackedBitrate: Int? { acked.bitrate }
    /// Bytes sent and not yet reported on by feedback.
    public var bytesInFlight: Int { log.bytesInFlight }

    /// Records a packet the pacer released at `now` and returns its transport-wide sequence number, to be written
    /// in its header extension (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2).
    public mutating func onPacketSent(size: Int, kind: PacketKind, probeClusterID: Int? = nil, now: Instant) -> UInt16 {
        let sequence = log.recordSent(size: size, kind: kind, probeClusterID: probeClusterID, now: now)
        lastSend = now
        if let id = probeClusterID, let cluster = issuedClusters[id] {
            probeEstimator.packetSent(cluster: cluster, now: now)
        } else if kind != .padding {
            sentRate.add(arrival: now, size: size)
            updateApplicationLimited()
        }
        return sequence
    }

    /// Handles transport-wide feedback received at `now` (§3.1): runs the delay-based, loss-based and probe
    /// estimators on the packets it reports.
    public mutating func handle(_ feedback: TransportFeedback, now: Instant) {
        hasTransportFeedback = true
        lastFeedback = now
        let results = log.handle(feedback)
        guard !results.isEmpty else { return }
        if let newest = results.filter(\.isReceived).map(\.sent.sendTime).max() {
            noteFeedbackRTT(now - newest, now: now)
        }
        let received = results.filter(\.isReceived).sorted {
            ($0.arrival ?? .zero, $0.sent.sequenceNumber) < ($1.arrival ?? .zero, $1.sent.sequenceNumber)
        }
        for result in received {
            guard let arrival = result.arrival else { continue }
            acked.add(arrival: arrival, size: result.sent.size)
            // A probe queues briefly by design; its delay bump is the probe estimator's to judge, not over-use.
            guard result.sent.probeClusterID == nil else { continue }
            delay.add(sendTime: result.sent.sendTime, arrival: arrival, size: result.sent.size)
        }
        for probe in probeEstimator.handle(results, now: now) {
            issuedClusters[probe.clusterID] = nil
            if probe.bitrate > delay.estimate, delay.usage != .overusing {
                delay.rateController.setEstimate(probe.bitrate, now: now)
            }
            loss.raise(to: min(probe.bitrate, delay.estimate))
            probes.probeResult(clusterID: probe.clusterID, bitrate: probe.bitrate, now: now)
        }
        delay.updateRate(ackedBitrate: acked.bitrate, now: now)
        probes.usage(delay.usage, now: now)
        // A late arrival takes back the loss counted when feedback first missed it (reordering is not loss).
        let recovered = received.filter(\.wasReportedLost).count
        let lost = results.count - received.count - recovered
        loss.report(lost: lost, total: results.count - recovered, delayBasedEstimate: delay.estimate,
                    ackedBitrate: acked.bitrate, now: now)
    }

    /// Honours a REMB from the receiver as a cap on the target (draft-ietf-rmcat-gcc-02 §3).
    public mutating func handle(_ remb: ReceiverEstimatedMaxBitrate, now: Instant) {
        rembCap = Int(clamping: remb.bitrate)
    }

    /// Handles loss from an RTCP receiver report (RFC 3550 §6.4.1 fraction lost, in 1/256) covering about
    /// `packets` packets; used when the peer sends no transport-wide feedback (§6).
    public mutating func handleLossReport(fractionLost: UInt8, packets: Int, now: Instant) {
        guard !hasTransportFeedback else { return }
        let total = max(packets, 1)
        let lost = Int((Double(fractionLost) / 256 * Double(total)).rounded())
        loss.report(lost: lost, total: total, delayBasedEstimate: rembCap ?? configuration.maxBitrate,
                    ackedBitrate: nil, now: now)
    }

    /// A round-trip time measured elsewhere (RTCP SR/RR), smoothed in.
    public mutating func updateRTT(_ sample: Duration) {
        guard sample > .zero else { return }
        rtt = .nanoseconds((rtt.wholeNanoseconds * 7 + sample.wholeNanoseconds) / 8)
        delay.rateController.rtt = rtt
    }

    /// A feedback round trip (send of the newest acknowledged packet to its feedback): smoothed into `rtt`, and
    /// compared with the lowest of the last 10 s to estimate the queueing delay standing in the path.
    private mutating func noteFeedbackRTT(_ sample: Duration, now: Instant) {
        updateRTT(sample)
        rttSamples.append((now, sample))
        rttSamples.removeAll { now - $0.time > .seconds(10) }
        let lowest = rttSamples.map(\.rtt).min() ?? sample
        delay.rateController.standingQueueDelay = sample - lowest
    }

    /// The next probe cluster to hand to the pacer, if one is due.
    public mutating func pollProbe() -> ProbeCluster? {
        guard let cluster = probes.pollProbe() else { return nil }
        issuedClusters[cluster.id] = cluster
        return cluster
    }

    /// When `handleTimeout` next has work (a periodic probe decision); nil when none is planned.
    public func nextDeadline() -> Instant? {
        earliest(probes.nextDeadline(applicationLimited: isApplicationLimited), feedbackTimeoutDeadline)
    }

    /// When missing feedback next cuts the target: `feedbackTimeout` after the last feedback (or the last cut),
    /// while packets are still being sent after it.
    private var feedbackTimeoutDeadline: Instant? {
        guard hasTransportFeedback, let lastFeedback, let lastSend, lastSend > lastFeedback else { return nil }
        let since = max(lastFeedback, lastTimeoutCut ?? lastFeedback)
        return since + configuration.feedbackTimeout
    }

    /// Decides periodic probes due at `now`, and cuts the target when feedback has been missing too long.
    public mutating func handleTimeout(now: Instant) {
        probes.handleTimeout(now: now, estimate: targetBitrate, applicationLimited: isApplicationLimited)
        if let deadline = feedbackTimeoutDeadline, deadline <= now {
            // No feedback while sending: the path may be congested enough to lose it, or gone. Back off by 20%
            // per timeout (as libwebrtc does) rather than keep sending blind at the old rate.
            lastTimeoutCut = now
            let reduced = Int(0.8 * Double(targetBitrate))
            delay.rateController.setEstimate(reduced, now: now)
            loss.lower(to: reduced)
        }
    }

    /// ALR with hysteresis: in below 65% of the target, out above 80%.
    private mutating func updateApplicationLimited() {
        guard let rate = sentRate.bitrate else { return }
        let target = Double(targetBitrate)
        if isApplicationLimited {
            if Double(rate) > 0.8 * target { isApplicationLimited = false }
        } else if Double(rate) < 0.65 * target {
            isApplicationLimited = true
        }
    }
}

extension CongestionController: CustomDebugStringConvertible {
    /// The estimators' state in one line, for logs and failing tests.
    public var debugDescription: String {
        "delay \(delay.estimate / 1_000)k loss \(loss.estimate / 1_000)k acked \((acked.bitrate ?? 0) / 1_000)k "
            + "usage \(delay.usage) trend \(Int(delay.trendline.modifiedTrend * 10)) / 10 "
            + "threshold \(Int(delay.detector.threshold * 10)) / 10 rtt \(Int(rtt.milliseconds)) ms"
            + (isApplicationLimited ? " ALR" : "")
    }
}
