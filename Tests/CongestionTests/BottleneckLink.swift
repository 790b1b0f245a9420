import Congestion
import Wire

/// A one-way bottleneck for closed-loop tests: a drop-tail queue (in bytes) served at a capacity that may change
/// over time, then a propagation delay, optional random loss and random extra delay (jitter, which may reorder),
/// all drawn from a seeded generator so a run replays exactly.
struct BottleneckLink {
    struct Delivery {
        var arrival: Instant
        var payload: SimPacket
    }

    /// Capacity in bit/s as a function of time.
    var capacity: (Instant) -> Int
    var propagationDelay: Duration
    /// Drop-tail limit in bytes; nil to use `queueLimitTime` at the current capacity instead.
    var queueLimitBytes: Int?
    /// Drop-tail limit as time at the current capacity, like `tc tbf ... latency`, which sizes its queue from the
    /// rate (used when `queueLimitBytes` is nil).
    var queueLimitTime: Duration
    var loss: Double
    var jitter: Duration
    private var random: SeededGenerator
    private var linkFree = Instant.zero
    /// Departure times of bytes still queued, to know the queue's size.
    private var queued: [(departure: Instant, size: Int)] = []
    private var inFlight: [Delivery] = []
    private(set) var queueDelays: [Duration] = []
    private(set) var dropped = 0
    private(set) var randomLosses = 0

    init(capacity: @escaping (Instant) -> Int, propagationDelay: Duration = .milliseconds(25),
         queueLimitBytes: Int? = nil, queueLimitTime: Duration = .milliseconds(400), loss: Double = 0,
         jitter: Duration = .zero, seed: UInt64 = 1) {
        self.capacity = capacity
        self.propagationDelay = propagationDelay
        self.queueLimitBytes = queueLimitBytes
        self.queueLimitTime = queueLimitTime
        self.loss = loss
        self.jitter = jitter
        random = SeededGenerator(seed: seed)
    }

    mutating func send(_ packet: SimPacket, now: Instant) {
        queued.removeAll { $0.departure <= now }
        let backlog = queued.reduce(0) { $0 + $1.size }
        let limit = queueLimitBytes
            ?? Int(Double(capacity(now)) / 8 * queueLimitTime.milliseconds / 1_000)
        guard backlog + packet.size <= limit else {
            dropped += 1
            return
        }
        let start = max(now, linkFree)
        let serialization = Duration.nanoseconds(Int64(packet.size * 8) * 1_000_000_000 / Int64(capacity(start)))
        linkFree = start + serialization
        queued.append((linkFree, packet.size))
        queueDelays.append(linkFree - now)
        if loss > 0, Double.random(in: 0..<1, using: &random) < loss {
            randomLosses += 1
            return
        }
        var arrival = linkFree + propagationDelay
        if jitter > .zero {
            arrival = arrival + .nanoseconds(Int64.random(in: 0...jitter.wholeNanoseconds, using: &random))
        }
        inFlight.append(Delivery(arrival: arrival, payload: packet))
    }

    /// Packets arrived by `now`, in arrival order.
    mutating func deliver(upTo now: Instant) -> [Delivery] {
        guard inFlight.contains(where: { $0.arrival <= now }) else { return [] }
        let due = inFlight.filter { $0.arrival <= now }.sorted { $0.arrival < $1.arrival }
        inFlight.removeAll { $0.arrival <= now }
        return due
    }
}

/// What travels over the simulated link: only what the receiver needs.
struct SimPacket {
    var transportSequenceNumber: UInt16
    var size: Int
    var kind: PacketKind
    var enqueued: Instant
}
