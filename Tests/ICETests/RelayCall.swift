import ICE
import Simulation
import Wire

/// An endpoint of a simulated network with a TURN server on it: an ICE agent or the server (a `SimulationLoop`
/// drives endpoints of one type). Records the addresses an agent sent from, to check it only uses its own sockets.
struct RelayNode: SimulatedEndpoint {
    var agent: AgentEndpoint?
    var server: FakeTURNServer?
    /// Every local address a datagram left from.
    private(set) var sentFrom: Set<TransportAddress> = []

    var addresses: [TransportAddress] { agent?.addresses ?? server?.addresses ?? [] }

    mutating func receive(_ datagram: Datagram, now: Instant) {
        agent?.receive(datagram, now: now)
        server?.receive(datagram, now: now)
    }

    mutating func handleTimeout(now: Instant) {
        agent?.handleTimeout(now: now)
        server?.handleTimeout(now: now)
    }

    mutating func pollTransmit() -> Datagram? {
        guard let datagram = agent?.pollTransmit() ?? server?.pollTransmit() else { return nil }
        sentFrom.insert(datagram.local)
        return datagram
    }

    func nextDeadline() -> Instant? { earliest(agent?.nextDeadline(), server?.nextDeadline()) }
}

/// Two ICE agents, `a` (controlling) and `b`, whose direct path is blocked (all loss, both ways), both gathering
/// from one TURN server over UDP; candidates and end-of-candidates are signalled to the other side as soon as
/// they are reported, as trickle ICE does.
struct RelayCall {
    static let addressA = TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000)
    static let addressB = TransportAddress(ip: .v4(10, 0, 0, 2), port: 6000)
    static let serverAddress = TransportAddress(ip: .v4(10, 0, 0, 100), port: 3478)
    static let turnServer = ICEServerEndpoint(kind: .turn(username: "alice", password: "secret"),
                                              address: serverAddress, transport: .udp, name: "turn.test")

    var loop: SimulationLoop<RelayNode>
    /// How many events of each agent have been signalled to the other.
    private var signalled = [0, 0]

    /// A call on a network with `conditions` everywhere but the blocked direct path.
    init(seed: UInt64 = 1, conditions: NetworkConditions = .perfect, relayOnlyA: Bool, relayOnlyB: Bool,
         servers: [ICEServerEndpoint] = [Self.turnServer], configure: (inout FakeTURNServer) -> Void = { _ in }) {
        var server = FakeTURNServer(address: Self.serverAddress)
        configure(&server)
        var a = AgentEndpoint(role: .controlling, seed: seed &* 31 &+ 1, addresses: [Self.addressA]) {
            $0.relayOnly = relayOnlyA
        }
        var b = AgentEndpoint(role: .controlled, seed: seed &* 31 &+ 2, addresses: [Self.addressB]) {
            $0.relayOnly = relayOnlyB
        }
        a.agent.setRemoteCredentials(b.agent.localCredentials, now: .zero)
        b.agent.setRemoteCredentials(a.agent.localCredentials, now: .zero)
        a.agent.addLocalCandidate(.host(Self.addressA), now: .zero)
        b.agent.addLocalCandidate(.host(Self.addressB), now: .zero)
        a.agent.gather(from: servers, now: .zero)
        b.agent.gather(from: servers, now: .zero)
        a.agent.finishGathering()
        b.agent.finishGathering()
        var network = SimulatedNetwork(seed: seed, conditions: conditions)
        let blocked = NetworkConditions(loss: 1.0)
        network.setConditions(blocked, from: Self.addressA.ip, to: Self.addressB.ip)
        network.setConditions(blocked, from: Self.addressB.ip, to: Self.addressA.ip)
        loop = SimulationLoop(endpoints: [RelayNode(agent: a), RelayNode(agent: b), RelayNode(server: server)],
                              network: network)
    }

    var a: AgentEndpoint { loop.endpoints[0].agent! }
    var b: AgentEndpoint { loop.endpoints[1].agent! }
    var server: FakeTURNServer {
        get { loop.endpoints[2].server! }
        set { loop.endpoints[2].server = newValue }
    }

    /// The local addresses agent `index` has sent from.
    func sentFrom(_ index: Int) -> Set<TransportAddress> { loop.endpoints[index].sentFrom }

    /// Runs (signalling as it goes) until `condition` holds or `timeout` of virtual time has passed.
    @discardableResult
    mutating func run(for timeout: Duration, until condition: (RelayCall) -> Bool = { _ in false }) -> Bool {
        let limit = loop.now + timeout
        var steps = 0
        signal()
        while !condition(self) {
            steps += 1
            precondition(steps < 10_000_000, "simulation made no progress: an endpoint keeps a stale deadline")
            let progressed = loop.step(until: limit)
            signal()
            if !progressed { return condition(self) }
        }
        return true
    }

    /// Runs until both agents have a nominated selected pair.
    @discardableResult
    mutating func runUntilCompleted(timeout: Duration = .seconds(20)) -> Bool {
        run(for: timeout) { $0.a.agent.selectedPair?.nominated == true && $0.b.agent.selectedPair?.nominated == true }
    }

    /// Trickle signalling: new local candidates go to the other agent, end-of-candidates too.
    private mutating func signal() {
        for (from, to) in [(0, 1), (1, 0)] {
            loop.endpoints[from].agent!.drain()
            let events = loop.endpoints[from].agent!.events
            for event in events[signalled[from]...] {
                switch event {
                case let .localCandidate(candidate):
                    loop.endpoints[to].agent!.agent.addRemoteCandidate(candidate, now: loop.now)
                case .gatheringComplete:
                    loop.endpoints[to].agent!.agent.setRemoteGatheringComplete(now: loop.now)
                default:
                    break
                }
            }
            signalled[from] = events.count
        }
    }
}
