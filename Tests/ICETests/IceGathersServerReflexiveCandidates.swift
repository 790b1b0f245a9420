import ICE
import Testing
import Wire

/// Server-reflexive candidates (RFC 8445 §5.1.1.2): a STUN Binding from the host socket, or a TURN allocation's
/// XOR-MAPPED-ADDRESS, shows the address a NAT maps the socket to. One equal to its base is redundant (§5.1.3).
@Suite struct IceGathersServerReflexiveCandidates {
    static let host = TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000)
    static let serverAddress = TransportAddress(ip: .v4(198, 51, 100, 7), port: 3478)
    static let natted = TransportAddress(ip: .v4(203, 0, 113, 9), port: 41_000)

    /// One agent gathering from `server` over a perfect link to the fake server, until both are quiet.
    static func gather(from kind: ICEServerEndpoint.Kind, mapped: TransportAddress?) -> [ICEAgent.Event] {
        var server = FakeTURNServer(address: serverAddress)
        server.reportedMappedAddress = mapped
        var agent = ICEAgent(configuration: ICEAgent.Configuration(role: .controlling),
                             random: SeededGenerator(seed: 3))
        agent.addLocalCandidate(.host(host), now: .zero)
        agent.gather(from: [ICEServerEndpoint(kind: kind, address: serverAddress, name: "stun.test")], now: .zero)
        agent.finishGathering()
        var events: [ICEAgent.Event] = []
        var quiet = false
        while !quiet {
            quiet = true
            while let output = agent.pollOutput() {
                switch output {
                case let .transmit(datagram):
                    #expect(datagram.local == host && datagram.remote == serverAddress)
                    server.receive(Datagram(local: serverAddress, remote: host, payload: datagram.payload), now: .zero)
                case let .event(event):
                    events.append(event)
                case .stream:
                    Issue.record("a UDP server needs no stream")
                }
            }
            while let datagram = server.pollTransmit() {
                quiet = false
                agent.handle(Datagram(local: host, remote: serverAddress, payload: datagram.payload), now: .zero)
            }
        }
        return events
    }

    static func serverReflexive(in events: [ICEAgent.Event]) -> [Candidate] {
        events.compactMap { event in
            if case let .localCandidate(candidate) = event, candidate.type == .srflx { candidate } else { nil }
        }
    }

    @Test func aMappedAddressUnlikeTheBaseIsAServerReflexiveCandidate() throws {
        let events = Self.gather(from: .stun, mapped: Self.natted)
        let srflx = try #require(Self.serverReflexive(in: events).first)
        #expect(srflx.address == Self.natted)
        #expect(srflx.base == Self.host)
        #expect(srflx.relatedAddress == Self.host)
        #expect(srflx.priority < Candidate.host(Self.host).priority)
        #expect(events.last == .gatheringComplete)
    }

    @Test func aMappedAddressEqualToTheBaseAddsNothing() {
        let events = Self.gather(from: .stun, mapped: nil)
        #expect(Self.serverReflexive(in: events).isEmpty)
        #expect(events == [.localCandidate(.host(Self.host)), .gatheringComplete])
    }

    @Test func aTURNAllocationsMappedAddressIsAServerReflexiveCandidateToo() throws {
        let events = Self.gather(from: .turn(username: "alice", password: "secret"), mapped: Self.natted)
        #expect(Self.serverReflexive(in: events).map(\.address) == [Self.natted])
        let relay = events.compactMap { if case let .localCandidate(c) = $0, c.type == .relay { c } else { nil } }
        #expect(relay.first?.relatedAddress == Self.natted)
        #expect(events.last == .gatheringComplete)
    }

    /// Until `finishGathering()` the gathering timeout cannot end gathering; it must not come back as a deadline
    /// that has already passed, or the owner's timer would spin.
    @Test func gatheringTimeoutBeforeFinishGatheringIsNotAStaleDeadline() {
        var agent = ICEAgent(configuration: ICEAgent.Configuration(role: .controlling),
                             random: SeededGenerator(seed: 4))
        agent.addLocalCandidate(.host(Self.host), now: .zero)
        agent.gather(from: [ICEServerEndpoint(kind: .stun, address: Self.serverAddress)], now: .zero)
        var now = Instant.zero
        for _ in 0..<100 {
            guard let deadline = agent.nextDeadline() else { break }
            guard deadline > now else {
                Issue.record("deadline \(deadline) is not after \(now)")
                break
            }
            now = max(now, deadline)
            agent.handleTimeout(now: now)
        }
        #expect(now >= .zero + .seconds(5))
        agent.finishGathering()
        // Every server has been given up on by now, so gathering completes at once.
        var events: [ICEAgent.Event] = []
        while let output = agent.pollOutput() { if case let .event(event) = output { events.append(event) } }
        #expect(events.contains(.gatheringComplete))
    }
}
