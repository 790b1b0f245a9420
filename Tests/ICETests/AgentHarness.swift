import ICE
import Simulation
import Wire

/// An ICE agent on the simulated network, remembering every event it reported.
struct AgentEndpoint: SimulatedEndpoint {
    var agent: ICEAgent
    var addresses: [TransportAddress]
    var events: [ICEAgent.Event] = []
    /// Stream connections the agent asked for (TURN over TCP/TLS); the simulated network carries none.
    var streamCommands: [StreamCommand] = []
    private var pending: [Datagram] = []

    init(role: ICERole, seed: UInt64, addresses: [TransportAddress],
         configure: (inout ICEAgent.Configuration) -> Void = { _ in }) {
        var configuration = ICEAgent.Configuration(role: role)
        configure(&configuration)
        agent = ICEAgent(configuration: configuration, random: SeededGenerator(seed: seed))
        self.addresses = addresses
    }

    mutating func receive(_ datagram: Datagram, now: Instant) {
        agent.handle(datagram, now: now)
        drain()
    }

    mutating func handleTimeout(now: Instant) {
        agent.handleTimeout(now: now)
        drain()
    }

    mutating func pollTransmit() -> Datagram? {
        drain()
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    func nextDeadline() -> Instant? { agent.nextDeadline() }

    mutating func drain() {
        while let output = agent.pollOutput() {
            switch output {
            case let .transmit(datagram): pending.append(datagram)
            case let .event(event): events.append(event)
            case let .stream(command): streamCommands.append(command)
            }
        }
    }

    var localCandidates: [Candidate] { agent.localCandidates }
    var states: [ICEConnectionState] {
        events.compactMap { if case let .stateChanged(state) = $0 { state } else { nil } }
    }
}

/// Two agents, `a` (index 0) and `b` (index 1), wired to each other over a simulated network.
struct AgentPair {
    var loop: SimulationLoop<AgentEndpoint>

    static let addressA = TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000)
    static let addressB = TransportAddress(ip: .v4(10, 0, 0, 2), port: 6000)

    init(seed: UInt64 = 1, conditions: NetworkConditions = .perfect, roleA: ICERole = .controlling,
         roleB: ICERole = .controlled, signalCandidatesOfA: Bool = true, signalCandidatesOfB: Bool = true,
         configure: (inout ICEAgent.Configuration) -> Void = { _ in }) {
        var a = AgentEndpoint(role: roleA, seed: seed &* 31 &+ 1, addresses: [Self.addressA], configure: configure)
        var b = AgentEndpoint(role: roleB, seed: seed &* 31 &+ 2, addresses: [Self.addressB], configure: configure)
        a.agent.addLocalCandidate(.host(Self.addressA), now: .zero)
        b.agent.addLocalCandidate(.host(Self.addressB), now: .zero)
        a.agent.finishGathering()
        b.agent.finishGathering()
        a.agent.setRemoteCredentials(b.agent.localCredentials, now: .zero)
        b.agent.setRemoteCredentials(a.agent.localCredentials, now: .zero)
        if signalCandidatesOfB { a.agent.addRemoteCandidate(.host(Self.addressB), now: .zero) }
        if signalCandidatesOfA { b.agent.addRemoteCandidate(.host(Self.addressA), now: .zero) }
        loop = SimulationLoop(endpoints: [a, b], network: SimulatedNetwork(seed: seed, conditions: conditions))
    }

    var a: AgentEndpoint { loop.endpoints[0] }
    var b: AgentEndpoint { loop.endpoints[1] }

    /// Runs until both agents have a nominated selected pair, for at most `timeout` of virtual time.
    @discardableResult
    mutating func runUntilCompleted(timeout: Duration = .seconds(20)) -> Bool {
        loop.run(for: timeout) { loop in
            loop.endpoints.allSatisfy { $0.agent.selectedPair?.nominated == true }
        }
    }
}
