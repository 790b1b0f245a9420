import RTP
import Wire
@testable import Congestion

/// A whole sending path in virtual time, stepped every millisecond: a media source producing Opus-like and
/// VP8-like packets at the controller's target (split by `BitrateAllocation`), the `Pacer`, the
/// `CongestionController`, a `BottleneckLink`, a receiver with a `TransportFeedbackGenerator`, and a feedback path
/// back (propagation delay only). Feedback crosses the wire format (encoded and parsed).
struct CallSimulation {
    struct Sample {
        var time: Instant
        var target: Int
        var capacity: Int
        var debug = ""
    }

    var controller: CongestionController
    var pacer = Pacer<SimPacket>(pacingRate: 750_000)
    var link: BottleneckLink
    var generator = TransportFeedbackGenerator(senderSSRC: SSRC(2), mediaSSRC: SSRC(1))
    var feedbackDelay: Duration
    private var feedbackInFlight: [(arrival: Instant, bytes: [UInt8])] = []
    private var allocation = BitrateAllocation()
    private var nextAudio = Instant.zero
    private var nextFrame = Instant.zero
    private(set) var samples: [Sample] = []
    /// (arrival, bytes) of media received, for throughput.
    private(set) var received: [(Instant, Int)] = []
    /// Time from enqueue in the pacer to leaving it, for media packets.
    private(set) var pacerDelays: [Duration] = []
    var now = Instant.zero

    init(link: BottleneckLink, start: Int = 300_000, gains: OveruseDetector.Gains = .trendline) {
        var configuration = CongestionController.Configuration()
        configuration.startBitrate = start
        configuration.detectorGains = gains
        controller = CongestionController(configuration: configuration, now: .zero)
        self.link = link
        feedbackDelay = link.propagationDelay
    }

    mutating func run(until end: Instant) {
        while now < end {
            step()
            now = now + .milliseconds(1)
        }
    }

    private mutating func step() {
        produceMedia()
        while let cluster = controller.pollProbe() { pacer.startProbe(cluster, now: now) }
        pacer.setPacingRate(controller.pacingRate)
        if let deadline = pacer.nextDeadline(), deadline <= now {
            pacer.handleTimeout(now: now)
            while let output = pacer.pollOutput() { transmit(output) }
        }
        for delivery in link.deliver(upTo: now) {
            generator.record(sequenceNumber: delivery.payload.transportSequenceNumber, arrival: delivery.arrival)
            if delivery.payload.kind != .padding { received.append((delivery.arrival, delivery.payload.size)) }
        }
        if let deadline = generator.nextDeadline(), deadline <= now {
            generator.handleTimeout(now: now)
            while let feedback = generator.pollFeedback() {
                var writer = ByteWriter()
                feedback.encode(into: &writer)
                feedbackInFlight.append((now + feedbackDelay, writer.bytes))
            }
        }
        while let first = feedbackInFlight.first, first.arrival <= now {
            feedbackInFlight.removeFirst()
            if let feedback = try? TransportFeedback(parsing: first.bytes[...]) {
                controller.handle(feedback, now: now)
            }
        }
        if let deadline = controller.nextDeadline(), deadline <= now { controller.handleTimeout(now: now) }
        if now.nanoseconds % 100_000_000 == 0 {
            samples.append(Sample(time: now, target: controller.targetBitrate, capacity: link.capacity(now),
                                  debug: controller.debugDescription))
        }
    }

    private mutating func produceMedia() {
        let split = allocation.split(target: controller.targetBitrate)
        if now >= nextAudio {
            let size = max(split.audio / 50 / 8, 20)
            enqueue(size: size, kind: .audio)
            nextAudio = nextAudio + .milliseconds(20)
        }
        if now >= nextFrame {
            var frameBytes = split.video / 30 / 8
            while frameBytes > 0 {
                let size = min(frameBytes, 1_200)
                enqueue(size: max(size, 50), kind: .video)
                frameBytes -= size
            }
            nextFrame = nextFrame + .nanoseconds(33_333_333)
        }
    }

    private mutating func enqueue(size: Int, kind: PacketKind) {
        pacer.enqueue(SimPacket(transportSequenceNumber: 0, size: size, kind: kind, enqueued: now), size: size,
                      kind: kind, now: now)
    }

    private mutating func transmit(_ output: Pacer<SimPacket>.Output) {
        switch output {
        case .send(var packet, let size, let kind, let cluster):
            packet.transportSequenceNumber = controller.onPacketSent(size: size, kind: kind, probeClusterID: cluster,
                                                                     now: now)
            pacerDelays.append(now - packet.enqueued)
            link.send(packet, now: now)
        case .padding(let size, let cluster):
            let sequence = controller.onPacketSent(size: size, kind: .padding, probeClusterID: cluster, now: now)
            link.send(SimPacket(transportSequenceNumber: sequence, size: size, kind: .padding, enqueued: now),
                      now: now)
        }
    }

    // MARK: - Measurements

    /// Mean target over [from, to) as a fraction of the capacity then.
    func meanTargetFraction(from: Instant, to: Instant) -> Double {
        let window = samples.filter { $0.time >= from && $0.time < to }
        guard !window.isEmpty else { return 0 }
        return window.reduce(0) { $0 + Double($1.target) / Double($1.capacity) } / Double(window.count)
    }

    /// Seconds after `from` from which the target, averaged over the trailing `averaging` window (one AIMD
    /// cycle: the target saw-tooths around the capacity by design), stays within [low, high] × capacity until
    /// `to`; nil if it never settles.
    func settleTime(from: Instant, to: Instant, low: Double = 0.8, high: Double = 1.0,
                    averaging: Duration = .seconds(2)) -> Double? {
        let window = samples.filter { $0.time >= from && $0.time < to }
        var settled: Instant?
        for sample in window {
            let recent = window.filter { $0.time > sample.time - averaging && $0.time <= sample.time }
            let fraction = recent.reduce(0.0) { $0 + Double($1.target) / Double($1.capacity) } / Double(recent.count)
            if fraction >= low && fraction <= high {
                if settled == nil { settled = sample.time }
            } else {
                settled = nil
            }
        }
        return settled.map { ($0 - from).milliseconds / 1_000 }
    }

    /// Lowest and highest target over [from, to) as fractions of the capacity then.
    func targetRange(from: Instant, to: Instant) -> (low: Double, high: Double) {
        let fractions = samples.filter { $0.time >= from && $0.time < to }.map {
            Double($0.target) / Double($0.capacity)
        }
        return (fractions.min() ?? 0, fractions.max() ?? 0)
    }

    /// Fraction of samples in [from, to) with the target within [low, high] × capacity.
    func fractionInBand(from: Instant, to: Instant, low: Double = 0.8, high: Double = 1.0) -> Double {
        let window = samples.filter { $0.time >= from && $0.time < to }
        guard !window.isEmpty else { return 0 }
        let inside = window.filter {
            let fraction = Double($0.target) / Double($0.capacity)
            return fraction >= low && fraction <= high
        }
        return Double(inside.count) / Double(window.count)
    }

    /// Media goodput over [from, to) as a fraction of the mean capacity.
    func utilisation(from: Instant, to: Instant) -> Double {
        let bytes = received.filter { $0.0 >= from && $0.0 < to }.reduce(0) { $0 + $1.1 }
        let seconds = (to - from).milliseconds / 1_000
        let window = samples.filter { $0.time >= from && $0.time < to }
        let capacity = window.reduce(0.0) { $0 + Double($1.capacity) } / Double(max(window.count, 1))
        return Double(bytes * 8) / seconds / capacity
    }

    /// The p-th percentile of the bottleneck's queueing delay, in ms.
    func queueDelayPercentile(_ p: Double) -> Double { Self.percentile(link.queueDelays, p) }

    /// The p-th percentile of the time media waited in the pacer, in ms.
    func pacerDelayPercentile(_ p: Double) -> Double { Self.percentile(pacerDelays, p) }

    private static func percentile(_ delays: [Duration], _ p: Double) -> Double {
        let sorted = delays.map(\.milliseconds).sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}
