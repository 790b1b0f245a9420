import ICE
@testable import PeerRuntime
import Testing
import Wire

/// Two real `ICEAgent`s, each in its own `MachineRuntime` with a real UDP socket on loopback, connect to each other:
/// the STUN checks cross the kernel's loopback interface.
@Suite("ICE over real loopback UDP")
struct RealUDPICELoopbackTests {
    typealias Runtime = MachineRuntime<ICEAgent>

    /// One side: its runtime and the address its socket is bound on.
    struct Side {
        var runtime: Runtime
        var address: TransportAddress
        var credentials: ICECredentials
    }

    private func makeSide(_ role: ICERole, seed: UInt64, on ip: IPAddress) async throws -> Side {
        let runtime = Runtime(machine: ICEAgent(configuration: .init(role: role), random: SeededGenerator(seed: seed)))
        let address = try await runtime.bind(ip)
        let credentials = await runtime.withMachine { agent, _ in agent.localCredentials }
        return Side(runtime: runtime, address: address, credentials: credentials)
    }

    /// Signals `remote`'s credentials and host candidate (plus `extraRemote`) to `local`'s agent and announces
    /// `local`'s own host candidate, as SDP offer/answer would.
    private func signal(_ local: Side, about remote: Side, extraRemote: [Candidate] = []) async {
        await local.runtime.withMachine { agent, now in
            agent.addLocalCandidate(.host(local.address), now: now)
            agent.finishGathering()
            agent.setRemoteCredentials(remote.credentials, now: now)
            for candidate in extraRemote { agent.addRemoteCandidate(candidate, now: now) }
            agent.addRemoteCandidate(.host(remote.address), now: now)
            agent.setRemoteGatheringComplete(now: now)
        }
    }

    private static func isCompleted(_ events: [ICEAgent.Event]) -> Bool {
        events.contains(.stateChanged(.completed))
    }

    /// Connects a controlling and a controlled agent on `ip` and checks both select the pair between their sockets.
    private func connect(on ip: IPAddress, extraRemoteForControlling: (Side) -> [Candidate] = { _ in [] })
        async throws {
        let controlling = try await makeSide(.controlling, seed: 1, on: ip)
        let controlled = try await makeSide(.controlled, seed: 2, on: ip)
        await signal(controlled, about: controlling)
        await signal(controlling, about: controlled, extraRemote: extraRemoteForControlling(controlling))

        async let controllingEvents = collectEvents(
            from: controlling.runtime.events, waitingFor: "the controlling agent to complete", until: Self.isCompleted)
        async let controlledEvents = collectEvents(
            from: controlled.runtime.events, waitingFor: "the controlled agent to complete", until: Self.isCompleted)
        let (eventsA, eventsB) = try await (controllingEvents, controlledEvents)
        #expect(eventsA.contains(.localCandidate(.host(controlling.address))))
        #expect(eventsB.contains(.stateChanged(.checking)) || eventsB.contains(.stateChanged(.connected)))

        let pairA = try #require(await controlling.runtime.withMachine { agent, _ in agent.selectedPair })
        let pairB = try #require(await controlled.runtime.withMachine { agent, _ in agent.selectedPair })
        #expect(pairA.local.base == controlling.address)
        #expect(pairA.remote.address == controlled.address)
        #expect(pairB.local.base == controlled.address)
        #expect(pairB.remote.address == controlling.address)
        #expect(pairA.nominated && pairB.nominated)

        await controlling.runtime.withMachine { agent, _ in agent.close() }
        await controlled.runtime.withMachine { agent, _ in agent.close() }
        await controlling.runtime.close()
        await controlled.runtime.close()
    }

    @Test("a controlling and a controlled agent complete over 127.0.0.1")
    func connectOverIPv4Loopback() async throws {
        try await connect(on: RealUDP.loopbackV4)
    }

    @Test("a controlling and a controlled agent complete over ::1",
          .enabled("::1 cannot be bound on this host") { await RealUDP.canBindIPv6Loopback() })
    func connectOverIPv6Loopback() async throws {
        try await connect(on: RealUDP.loopbackV6)
    }

    @Test("an unreachable remote candidate (a closed port) does not keep the agents from completing")
    func unreachableCandidateIsHarmless() async throws {
        let closedPort = try await RealUDP.closedPort(on: RealUDP.loopbackV4)
        let closed = TransportAddress(ip: RealUDP.loopbackV4, port: closedPort)
        try await connect(on: RealUDP.loopbackV4) { _ in [.host(closed)] }
    }

    @Test("a remote candidate the socket cannot reach (v4-mapped, from ::1) does not keep the agents from completing",
          .enabled("::1 cannot be bound on this host") { await RealUDP.canBindIPv6Loopback() })
    func unreachableFamilyCandidateIsHarmless() async throws {
        let mapped = TransportAddress(ip: IPAddress("::ffff:127.0.0.1")!, port: 9)
        try await connect(on: RealUDP.loopbackV6) { _ in [.host(mapped)] }
    }
}
