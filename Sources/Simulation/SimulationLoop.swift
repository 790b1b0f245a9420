import Wire

/// Something a `SimulationLoop` can drive: a sans-IO endpoint reachable at one or more addresses.
public protocol SimulatedEndpoint {
    /// The addresses (sockets) datagrams for this endpoint arrive on.
    var addresses: [TransportAddress] { get }
    /// Feeds one arriving datagram.
    mutating func receive(_ datagram: Datagram, now: Instant)
    /// Runs due timers.
    mutating func handleTimeout(now: Instant)
    /// The next datagram to send, or nil when there is none right now. Events are the endpoint's own business.
    mutating func pollTransmit() -> Datagram?
    /// When the endpoint next wants `handleTimeout`.
    func nextDeadline() -> Instant?
}

/// Drives endpoints and a `SimulatedNetwork` on a virtual clock: always jumps to the earliest of the next arrival
/// and the endpoints' deadlines, so a 30-second call runs in milliseconds and never touches a real clock.
public struct SimulationLoop<Endpoint: SimulatedEndpoint> {
    /// The endpoints, addressed by index.
    public var endpoints: [Endpoint]
    /// The network between them.
    public var network: SimulatedNetwork
    /// The virtual time.
    public private(set) var now: Instant

    /// A loop starting at `start`.
    public init(endpoints: [Endpoint], network: SimulatedNetwork, start: Instant = .zero) {
        self.endpoints = endpoints
        self.network = network
        now = start
    }

    /// Sends everything the endpoints have queued.
    public mutating func flush() {
        for index in endpoints.indices {
            while let datagram = endpoints[index].pollTransmit() { network.send(datagram, now: now) }
        }
    }

    /// Advances to the next event (arrival or deadline) no later than `limit`; returns false when nothing is due
    /// before `limit` (the clock then stands at `limit`).
    @discardableResult
    public mutating func step(until limit: Instant) -> Bool {
        flush()
        let next = earliest(network.nextArrival, endpoints.compactMap { $0.nextDeadline() }.min())
        guard let next, next <= limit else {
            now = max(now, limit)
            return false
        }
        now = max(now, next)
        for datagram in network.deliver(upTo: now) {
            guard let index = endpoints.firstIndex(where: { $0.addresses.contains(datagram.local) }) else { continue }
            endpoints[index].receive(datagram, now: now)
        }
        for index in endpoints.indices {
            if let deadline = endpoints[index].nextDeadline(), deadline <= now {
                endpoints[index].handleTimeout(now: now)
            }
        }
        flush()
        return true
    }

    /// Runs until `condition` holds or `timeout` of virtual time has passed; returns whether the condition held.
    @discardableResult
    public mutating func run(for timeout: Duration, until condition: (Self) -> Bool = { _ in false }) -> Bool {
        let limit = now + timeout
        var steps = 0
        while !condition(self) {
            steps += 1
            // A runaway loop (an endpoint asking for a deadline in the past forever) is a bug: stop it.
            precondition(steps < 10_000_000, "simulation made no progress: an endpoint keeps a stale deadline")
            if !step(until: limit) { return condition(self) }
        }
        return true
    }
}
