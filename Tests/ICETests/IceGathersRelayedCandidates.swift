import ICE
import Testing
import Wire

/// Relayed candidates from TURN allocations (RFC 8445 §5.1.1.2, RFC 8656): one per host socket over UDP, one per
/// stream connection over TCP or TLS, whose bytes the agent frames itself (RFC 8656 §12.5).
@Suite struct IceGathersRelayedCandidates {
    static let host = TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000)
    static let streamLocal = TransportAddress(ip: .v4(10, 0, 0, 1), port: 40_000)
    static let serverAddress = TransportAddress(ip: .v4(10, 0, 0, 100), port: 3478)
    static let peer = Candidate.host(TransportAddress(ip: .v4(10, 0, 0, 2), port: 6000))

    /// An agent with one host candidate gathering from one TURN server over a stream, and that server.
    struct StreamGathering {
        var agent = ICEAgent(configuration: ICEAgent.Configuration(role: .controlling),
                             random: SeededGenerator(seed: 5))
        var server: FakeTURNServer
        var events: [ICEAgent.Event] = []
        var commands: [StreamCommand] = []
        var delivered: [Datagram] = []
        /// What the server relayed to peers.
        var toPeers: [Datagram] = []
        let endpoint: ICEServerEndpoint

        init(transport: ICEServerTransport) {
            server = FakeTURNServer(address: IceGathersRelayedCandidates.serverAddress, transport: transport)
            endpoint = ICEServerEndpoint(kind: .turn(username: "alice", password: "secret"),
                                         address: IceGathersRelayedCandidates.serverAddress, transport: transport,
                                         name: "turn.test")
            agent.addLocalCandidate(.host(IceGathersRelayedCandidates.host), now: .zero)
            agent.gather(from: [endpoint], now: .zero)
            agent.finishGathering()
            pump()
        }

        /// Feeds a stream event and carries messages both ways until both sides are quiet. What the server sends
        /// is delivered in one chunk cut in two, so the agent's framer has to reassemble it.
        mutating func handle(_ event: StreamEvent) {
            delivered += agent.handleStream(event, now: .zero)
            pump()
        }

        mutating func pump() {
            var quiet = false
            while !quiet {
                quiet = true
                while let output = agent.pollOutput() {
                    switch output {
                    case let .stream(.send(_, bytes)):
                        server.receive(Datagram(local: server.address, remote: IceGathersRelayedCandidates.streamLocal,
                                                payload: bytes), now: .zero)
                    case let .stream(command): commands.append(command)
                    case let .event(event): events.append(event)
                    case .transmit: Issue.record("a stream allocation sends nothing over UDP")
                    }
                }
                var chunk: [UInt8] = []
                while let datagram = server.pollTransmit() {
                    if datagram.remote == IceGathersRelayedCandidates.streamLocal {
                        chunk += datagram.payload
                    } else {
                        toPeers.append(datagram)
                    }
                }
                guard let stream, !chunk.isEmpty else { continue }
                quiet = false
                let half = chunk.count / 2
                delivered += agent.handleStream(.received(stream, Array(chunk[..<half])), now: .zero)
                delivered += agent.handleStream(.received(stream, Array(chunk[half...])), now: .zero)
            }
        }

        var stream: StreamID? { commands.first.flatMap { if case let .open(id, _, _, _) = $0 { id } else { nil } } }
        var relay: Candidate? {
            events.lazy.compactMap { if case let .localCandidate(c) = $0, c.type == .relay { c } else { nil } }.first
        }
        var closes: Int { commands.filter { if case .close = $0 { true } else { false } }.count }
    }

    @Test(arguments: [(ICEServerTransport.tcp, UInt16(64_000)), (.tls, 63_000)])
    func aStreamAllocationGivesARelayedCandidate(transport: ICEServerTransport, localPreference: UInt16) throws {
        var gathering = StreamGathering(transport: transport)
        #expect(gathering.commands == [.open(StreamID(1), remote: Self.serverAddress, localIP: Self.host.ip,
                                             tlsServerName: transport == .tls ? "turn.test" : nil)])
        #expect(!gathering.events.contains(.gatheringComplete))
        gathering.handle(.opened(StreamID(1), local: Self.streamLocal))
        let relay = try #require(gathering.relay)
        #expect(relay.address == TransportAddress(ip: Self.serverAddress.ip, port: 49_152))
        #expect(relay.priority == Candidate.priority(type: .relay, localPreference: localPreference))
        #expect(relay.foundation == Candidate.foundation(type: .relay, baseIP: Self.serverAddress.ip,
                                                         transport: transport.rawValue))
        #expect(gathering.events.last == .gatheringComplete)
        #expect(gathering.agent.isRelayed(relay.address))
    }

    @Test func peerDataComesBackOutOfTheStream() throws {
        var gathering = StreamGathering(transport: .tcp)
        gathering.handle(.opened(StreamID(1), local: Self.streamLocal))
        let relay = try #require(gathering.relay)
        gathering.agent.addRemoteCandidate(Self.peer, now: .zero)
        gathering.pump()
        #expect(gathering.server.allocation(relayedAt: relay.address)?.permissions[Self.peer.address.ip] != nil)
        // Before the agent sends to the peer, its data comes as a Data indication; after, on a channel, as
        // ChannelData the server pads to four bytes.
        let fromPeer = { (gathering: inout StreamGathering, payload: [UInt8]) in
            gathering.server.receive(Datagram(local: relay.address, remote: Self.peer.address, payload: payload),
                                     now: .zero)
            gathering.pump()
        }
        fromPeer(&gathering, [UInt8](repeating: 0x17, count: 5))
        gathering.agent.send(Datagram(local: relay.address, remote: Self.peer.address, payload: [4, 2]), now: .zero)
        gathering.pump()
        #expect(gathering.toPeers == [Datagram(local: relay.address, remote: Self.peer.address, payload: [4, 2])])
        #expect(gathering.server.allocation(relayedAt: relay.address)?.channel(to: Self.peer.address) != nil)
        fromPeer(&gathering, [0x80, 1, 2])
        #expect(gathering.delivered == [
            Datagram(local: relay.address, remote: Self.peer.address, payload: [UInt8](repeating: 0x17, count: 5)),
            Datagram(local: relay.address, remote: Self.peer.address, payload: [0x80, 1, 2]),
        ])
    }

    @Test func aStreamOutOfStepFailsTheRelayAndIsClosedOnce() throws {
        var gathering = StreamGathering(transport: .tcp)
        gathering.handle(.opened(StreamID(1), local: Self.streamLocal))
        let relay = try #require(gathering.relay)
        gathering.handle(.received(StreamID(1), [0xFF, 0xFF, 0xFF, 0xFF]))
        gathering.handle(.received(StreamID(1), [0xFF, 0xFF, 0xFF, 0xFF]))
        #expect(gathering.closes == 1)
        #expect(gathering.events.contains { event in
            if case let .serverError(sentence) = event { sentence.contains("out of step") } else { false }
        })
        // Nothing leaves from the dead relayed address.
        gathering.agent.send(Datagram(local: relay.address, remote: Self.peer.address, payload: [1]), now: .zero)
        #expect(gathering.agent.pollOutput() == nil)
    }

    @Test func theServerClosingTheStreamFailsTheRelayWithItsReason() {
        var gathering = StreamGathering(transport: .tcp)
        gathering.handle(.opened(StreamID(1), local: Self.streamLocal))
        gathering.handle(.closed(StreamID(1), reason: "connection reset by peer"))
        #expect(gathering.events.contains(.serverError(
            "the connection to TURN server turn.test was lost: connection reset by peer")))
    }

    @Test func aStreamThatCannotBeOpenedFailsTheRelayWithTheReasonAtOnce() {
        var gathering = StreamGathering(transport: .tcp)
        gathering.handle(.closed(StreamID(1), reason: "could not connect: connection refused"))
        #expect(gathering.events.contains(.serverError(
            "TURN server turn.test could not be reached over tcp: could not connect: connection refused")))
        // Nothing else was waited for, so gathering is over without waiting for its timeout.
        #expect(gathering.events.last == .gatheringComplete)
        #expect(gathering.agent.nextDeadline() == nil)
    }

    /// Two host sockets make two allocations; each must draw its own transaction IDs (RFC 8489 §5).
    @Test func allocationsFromTwoSocketsUseDifferentTransactionIDs() throws {
        var agent = ICEAgent(configuration: ICEAgent.Configuration(role: .controlling),
                             random: SeededGenerator(seed: 6))
        let second = TransportAddress(ip: .v4(10, 0, 1, 1), port: 5002)
        agent.addLocalCandidate(.host(Self.host), now: .zero)
        agent.addLocalCandidate(.host(second), now: .zero)
        agent.gather(from: [ICEServerEndpoint(kind: .turn(username: "alice", password: "secret"),
                                              address: Self.serverAddress)], now: .zero)
        var requests: [(from: TransportAddress, message: STUNMessage)] = []
        while let output = agent.pollOutput() {
            guard case let .transmit(datagram) = output else { continue }
            requests.append((datagram.local, try STUNMessage(parsing: datagram.payload)))
        }
        #expect(requests.map(\.from) == [Self.host, second])
        #expect(Set(requests.map(\.message.transactionID)).count == 2)
    }
}
