import Wire

/// A deterministic network for sans-IO tests: datagrams sent at a virtual time arrive later according to the
/// path's `NetworkConditions`, drawn from a seeded generator, so a lossy call replays identically every run.
public struct SimulatedNetwork {
    private struct InFlight {
        var arrival: Instant
        var order: UInt64
        var datagram: Datagram
    }

    /// IPv4 and UDP header bytes each datagram costs on a bandwidth-limited path.
    public static let headerBytes = 28

    /// Conditions used for any path without its own.
    public var defaultConditions: NetworkConditions
    private var pathConditions: [PathKey: NetworkConditions] = [:]
    private var random: SeededGenerator
    private var inFlight: [InFlight] = []
    private var sequence: UInt64 = 0
    private var linkFreeAt: [PathKey: Instant] = [:]
    /// Counters, for test assertions.
    public private(set) var sent = 0, dropped = 0, delivered = 0, duplicated = 0

    private struct PathKey: Hashable {
        var from: IPAddress
        var to: IPAddress
    }

    /// A network whose every random choice comes from `seed`.
    public init(seed: UInt64, conditions: NetworkConditions = .perfect) {
        defaultConditions = conditions
        random = SeededGenerator(seed: seed)
    }

    /// Sets the conditions from hosts at `from` to hosts at `to` (one direction).
    public mutating func setConditions(_ conditions: NetworkConditions, from: IPAddress, to: IPAddress) {
        pathConditions[PathKey(from: from, to: to)] = conditions
    }

    /// Datagrams dropped because the bandwidth queue was full (`NetworkConditions.queueLimit`).
    public private(set) var queueDrops = 0

    /// Puts an outgoing datagram on the wire at `now`. `datagram.local` is the sender, `remote` the receiver.
    public mutating func send(_ datagram: Datagram, now: Instant) {
        sent += 1
        let path = PathKey(from: datagram.local.ip, to: datagram.remote.ip)
        let conditions = pathConditions[path] ?? defaultConditions
        if conditions.loss > 0, Double.random(in: 0..<1, using: &random) < conditions.loss {
            dropped += 1
            return
        }
        var departure = now
        if let bandwidth = conditions.bandwidth, bandwidth > 0 {
            let start = max(now, linkFreeAt[path] ?? now)
            if let limit = conditions.queueLimit, start - now > limit {
                dropped += 1
                queueDrops += 1
                return
            }
            // A link carries the IP and UDP headers too (28 bytes for IPv4), as `tc tbf` counts them.
            let wireSize = datagram.payload.count + Self.headerBytes
            let serialization = Duration.nanoseconds(Int64(wireSize * 8) * 1_000_000_000 / Int64(bandwidth))
            linkFreeAt[path] = start + serialization
            departure = start + serialization
        }
        let copies = conditions.duplication > 0 && Double.random(in: 0..<1, using: &random) < conditions.duplication
            ? 2 : 1
        if copies == 2 { duplicated += 1 }
        for _ in 0..<copies {
            var arrival = departure + conditions.delay
            if conditions.jitter > .zero {
                let extra = Int64.random(in: 0...conditions.jitter.wholeNanoseconds, using: &random)
                arrival = arrival + .nanoseconds(extra)
            }
            sequence += 1
            // Delivered to the receiver: swap ends so `local` is the receiving socket.
            let incoming = Datagram(local: datagram.remote, remote: datagram.local, payload: datagram.payload)
            inFlight.append(InFlight(arrival: arrival, order: sequence, datagram: incoming))
        }
    }

    /// When the next datagram arrives, if any is in flight.
    public var nextArrival: Instant? { inFlight.map(\.arrival).min() }

    /// Removes and returns every datagram that has arrived by `now`, in arrival order; each is addressed with
    /// `local` = the receiving socket and `remote` = the sender.
    public mutating func deliver(upTo now: Instant) -> [Datagram] {
        let due = inFlight.filter { $0.arrival <= now }.sorted { ($0.arrival, $0.order) < ($1.arrival, $1.order) }
        guard !due.isEmpty else { return [] }
        inFlight.removeAll { $0.arrival <= now }
        delivered += due.count
        return due.map(\.datagram)
    }
}
