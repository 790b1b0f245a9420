import Wire

/// A sans-IO pacing queue (draft-ietf-rmcat-gcc-02 §4): packets leave in bursts every `burstInterval` (5 ms) at
/// `pacingRate`, which the owner sets to 2.5 × the target bitrate, so a video frame does not hit the bottleneck
/// as one burst. Audio leaves first, then retransmissions, then new video. While a probe cluster is active it
/// sends at the cluster's rate and, with nothing queued, asks for padding.
///
/// Drive it like every sans-IO machine: `enqueue`, then `handleTimeout(now:)` at `nextDeadline()`, draining
/// `pollOutput()` after each call.
public struct Pacer<Payload> {
    /// What the pacer wants sent now.
    public enum Output {
        /// Send this queued packet; pass `probeClusterID` on to `CongestionController.onPacketSent`.
        case send(Payload, size: Int, kind: PacketKind, probeClusterID: Int?)
        /// Send about `size` bytes of padding (or an RTX of an old packet) for probe cluster `probeClusterID`.
        case padding(size: Int, probeClusterID: Int)
    }

    fileprivate struct Queued {
        var payload: Payload
        var size: Int
        var kind: PacketKind
        var enqueued: Instant
    }

    private struct ActiveProbe {
        var cluster: ProbeCluster
        var start: Instant?
        var sentBytes = 0
        var sentPackets = 0
        var isComplete: Bool { sentBytes >= cluster.minBytes && sentPackets >= cluster.minPackets }
    }

    /// The rate media leaves at, bit/s.
    public private(set) var pacingRate: Int
    /// Time between bursts (5 ms).
    public var burstInterval: Duration = .milliseconds(5)
    /// Longest a queue may take to drain; the pacer speeds up beyond `pacingRate` rather than exceed it.
    public var maxQueueTime: Duration = .seconds(2)
    /// Largest padding packet requested.
    public var maxPaddingSize = 1_200

    private var queues: [[Queued]] = [[], [], []]
    private var heads = [0, 0, 0]
    private var budget = 0.0
    private var lastProcess: Instant?
    /// When the first packet or probe came in, before the first `handleTimeout`: the first deadline.
    private var firstInput: Instant?
    private var probes: [ActiveProbe] = []
    private var output = OutputQueue<Output>()
    /// Bytes waiting in the queues.
    public private(set) var queuedBytes = 0

    /// A pacer sending at `pacingRate` bit/s.
    public init(pacingRate: Int) {
        self.pacingRate = max(pacingRate, 1)
    }

    /// Changes the pacing rate (2.5 × the controller's target, `CongestionController.pacingRate`).
    public mutating func setPacingRate(_ bitrate: Int) { pacingRate = max(bitrate, 1) }

    /// Packets waiting.
    public var queuedPackets: Int { (0..<queues.count).reduce(0) { $0 + queues[$1].count - heads[$1] } }

    /// How long the oldest waiting packet has been queued.
    public func oldestQueueTime(now: Instant) -> Duration {
        (0..<queues.count).compactMap { index in
            heads[index] < queues[index].count ? now - queues[index][heads[index]].enqueued : nil
        }.max() ?? .zero
    }

    /// Queues a packet of `size` bytes for sending.
    public mutating func enqueue(_ payload: Payload, size: Int, kind: PacketKind, now: Instant) {
        if firstInput == nil { firstInput = now }
        let index = Self.priority(kind)
        queues[index].append(Queued(payload: payload, size: max(size, 1), kind: kind, enqueued: now))
        queuedBytes += max(size, 1)
    }

    /// Starts sending probe cluster `cluster` (from `CongestionController.pollProbe()`) at `now`.
    public mutating func startProbe(_ cluster: ProbeCluster, now: Instant) {
        if firstInput == nil { firstInput = now }
        probes.append(ActiveProbe(cluster: cluster))
    }

    /// When `handleTimeout` should next run: now-ish while a burst can go, else when the budget allows the next
    /// one; nil when idle.
    public func nextDeadline() -> Instant? {
        guard let last = lastProcess else { return queuedPackets > 0 || !probes.isEmpty ? firstInput : nil }
        if let probe = probes.first {
            guard let start = probe.start else { return last }
            let elapsed = Double(probe.sentBytes * 8) / Double(probe.cluster.bitrate)
            // Rounded up and at least 1 ms on: a deadline that rounds down to `last` would be run again at the same
            // instant with nothing new to send, for ever.
            return max(last + .milliseconds(1), start + .nanoseconds(Int64((elapsed * 1_000_000_000).rounded(.up))))
        }
        guard queuedPackets > 0 else { return nil }
        let rate = effectiveRate(now: last)
        let repay = budget < 0 ? Duration.nanoseconds(Int64(-budget * 8 / Double(rate) * 1_000_000_000)) : .zero
        return last + max(burstInterval, repay)
    }

    /// Releases what the budget (or an active probe) allows at `now`; collect it with `pollOutput()`.
    public mutating func handleTimeout(now: Instant) {
        let rate = effectiveRate(now: now)
        if let last = lastProcess {
            let elapsed = min(max(now - last, .zero), burstInterval * 2)
            budget += Double(rate) / 8 * elapsed.milliseconds / 1_000
        } else {
            budget = .infinity  // the first burst may go at once; capped below
        }
        lastProcess = now
        // At most one burst's worth of credit: an idle pacer must not release a long burst later.
        budget = min(budget, Double(rate) / 8 * burstInterval.milliseconds / 1_000)
        if !probes.isEmpty {
            sendProbe(now: now)
            return
        }
        while budget > 0, let packet = dequeue() {
            budget -= Double(packet.size)
            output.append(.send(packet.payload, size: packet.size, kind: packet.kind, probeClusterID: nil))
        }
        if queuedPackets == 0 { budget = min(budget, 0) }
    }

    /// The next thing to send; nil when drained.
    public mutating func pollOutput() -> Output? { output.next() }

    private mutating func sendProbe(now: Instant) {
        guard var probe = probes.first else { return }
        let start = probe.start ?? now
        probe.start = start
        let allowed = Double(probe.cluster.bitrate) / 8 * (now - start).milliseconds / 1_000
        while !probe.isComplete, Double(probe.sentBytes) <= allowed {
            let size: Int
            if let packet = dequeue() {
                size = packet.size
                output.append(.send(packet.payload, size: packet.size, kind: packet.kind,
                                    probeClusterID: probe.cluster.id))
            } else {
                size = min(maxPaddingSize, max(probe.cluster.minBytes / probe.cluster.minPackets, 200))
                output.append(.padding(size: size, probeClusterID: probe.cluster.id))
            }
            probe.sentBytes += size
            probe.sentPackets += 1
        }
        if probe.isComplete {
            probes.removeFirst()
            budget = min(budget, 0)
        } else {
            probes[0] = probe
        }
    }

    /// The pacing rate, raised when needed so that everything queued leaves within `maxQueueTime` of the
    /// oldest packet's arrival.
    private func effectiveRate(now: Instant) -> Int {
        guard queuedBytes > 0 else { return pacingRate }
        let remaining = max(maxQueueTime - oldestQueueTime(now: now), burstInterval)
        let drain = Double(queuedBytes * 8) / (remaining.milliseconds / 1_000)
        return max(pacingRate, Int(drain))
    }

    private mutating func dequeue() -> Queued? {
        for index in 0..<queues.count where heads[index] < queues[index].count {
            let packet = queues[index][heads[index]]
            heads[index] += 1
            if heads[index] > 64, heads[index] * 2 > queues[index].count {
                queues[index].removeFirst(heads[index])
                heads[index] = 0
            }
            queuedBytes -= packet.size
            return packet
        }
        return nil
    }

    private static func priority(_ kind: PacketKind) -> Int {
        switch kind {
        case .audio: 0
        case .retransmission: 1
        case .video, .padding: 2
        }
    }
}

/// A pacer is sendable when its payloads are.
extension Pacer: Sendable where Payload: Sendable {}

/// An output is sendable when its payload is.
extension Pacer.Output: Sendable where Payload: Sendable {}

extension Pacer.Queued: Sendable where Payload: Sendable {}
