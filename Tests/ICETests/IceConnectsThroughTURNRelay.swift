import ICE
import Simulation
import Testing
import Wire

/// Two agents that cannot reach each other directly connect through a TURN server's relayed candidates
/// (RFC 8445 §5.1.1.2, RFC 8656), candidates trickled as they are gathered.
@Suite struct IceConnectsThroughTURNRelay {
    static let serverIP = RelayCall.serverAddress.ip

    @Test func bothRelayOnlySelectRelayToRelayPairs() throws {
        var call = RelayCall(relayOnlyA: true, relayOnlyB: true)
        let completed = call.runUntilCompleted()
        #expect(completed)
        for agent in [call.a, call.b] {
            #expect(agent.agent.state == .completed)
            let pair = try #require(agent.agent.selectedPair)
            #expect(pair.local.type == .relay && pair.remote.type == .relay)
            #expect(pair.local.address.ip == Self.serverIP && pair.remote.address.ip == Self.serverIP)
            // Under the relay policy only relayed candidates are announced.
            #expect(agent.localCandidates.allSatisfy { $0.type == .relay })
            #expect(agent.events.contains(.gatheringComplete))
        }
        #expect(call.a.agent.selectedPair?.remote.address == call.b.agent.selectedPair?.local.address)
        // Every datagram left from the agents' own sockets: relayed traffic is wrapped, never sent raw.
        #expect(call.sentFrom(0) == [RelayCall.addressA])
        #expect(call.sentFrom(1) == [RelayCall.addressB])
        #expect(call.server.allocations.count == 2)
    }

    @Test func onlyOneSideRelayOnlyStillConnectsThroughItsRelay() throws {
        var call = RelayCall(relayOnlyA: true, relayOnlyB: false)
        let completed = call.runUntilCompleted()
        #expect(completed)
        let pairA = try #require(call.a.agent.selectedPair)
        #expect(pairA.local.type == .relay)
        let pairB = try #require(call.b.agent.selectedPair)
        #expect(pairB.remote.address == pairA.local.address)
        // A never told B where it lives.
        #expect(call.b.agent.remoteCandidates.allSatisfy { $0.address.ip == Self.serverIP })
        #expect(call.sentFrom(0) == [RelayCall.addressA])
        #expect(call.sentFrom(1) == [RelayCall.addressB])
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func tenPercentLossAndThirtyMillisecondsStillConnect(seed: UInt64) throws {
        let lossy = NetworkConditions(loss: 0.1, delay: .milliseconds(30))
        var call = RelayCall(seed: seed, conditions: lossy, relayOnlyA: true, relayOnlyB: true)
        let completed = call.runUntilCompleted(timeout: .seconds(40))
        #expect(completed)
        #expect(call.a.agent.selectedPair?.local.type == .relay)
        #expect(call.b.agent.selectedPair?.local.type == .relay)
        #expect(call.loop.network.dropped > 0)
    }

    @Test func silentServerWithRelayOnlyEndsGatheringThenFailsTheAgents() {
        var call = RelayCall(relayOnlyA: true, relayOnlyB: true) { $0.silent = true }
        call.run(for: .seconds(5) - .milliseconds(1))
        #expect(!call.a.events.contains(.gatheringComplete))
        let failed = call.run(for: .seconds(10)) { $0.a.agent.state == .failed && $0.b.agent.state == .failed }
        #expect(failed)
        // Gathering gave up on the server after the gathering timeout and said so.
        #expect(call.loop.now == .zero + .seconds(5))
        for agent in [call.a, call.b] {
            #expect(agent.events.contains(.gatheringComplete))
            #expect(agent.events.contains { event in
                if case let .serverError(sentence) = event { sentence.contains("turn.test") } else { false }
            })
            #expect(agent.agent.failureReason?.contains("every candidate pair failed") == true)
        }
    }

    @Test func silentServerLeavesOnlyTheBlockedHostPairWhichFails() {
        var call = RelayCall(relayOnlyA: false, relayOnlyB: false) { $0.silent = true }
        let failed = call.run(for: .seconds(60)) { $0.a.agent.state == .failed && $0.b.agent.state == .failed }
        #expect(failed)
        for agent in [call.a, call.b] {
            #expect(agent.events.contains(.gatheringComplete))
            #expect(agent.events.contains { if case .serverError = $0 { true } else { false } })
            #expect(agent.agent.failureReason?.contains("every candidate pair failed") == true)
            #expect(agent.agent.pairs.allSatisfy { $0.local.type == .host })
        }
    }

    /// After a TURN server restart the relayed address a selected pair used is gone: the agent must not send from
    /// it as if it were a socket of its own.
    @Test func aServerRestartNeverMakesTheAgentSendFromADeadRelayedAddress() throws {
        var call = RelayCall(relayOnlyA: true, relayOnlyB: true)
        let completed = call.runUntilCompleted()
        #expect(completed)
        let oldRelayA = try #require(call.a.agent.selectedPair?.local.address)
        // Just before the permissions' refresh at 240 s, so the clients meet the restarted server at once.
        call.run(for: (Instant.zero + .seconds(239)) - call.loop.now)
        call.server.restart()
        call.run(for: .seconds(60))
        // A made a new allocation and trickled its new relayed candidate; the old one's pairs are dead.
        let relays = call.a.localCandidates.filter { $0.type == .relay }.map(\.address)
        #expect(relays.count == 2 && relays.first == oldRelayA)
        #expect(call.b.agent.remoteCandidates.contains { $0.address == relays.last })
        #expect(call.a.agent.pairs.filter { $0.local.base == oldRelayA }.allSatisfy { $0.state == .failed })
        #expect(call.sentFrom(0) == [RelayCall.addressA])
        #expect(call.sentFrom(1) == [RelayCall.addressB])
    }

    @Test func losingTheSelectedRelayReportsDisconnectedAtOnce() throws {
        var call = RelayCall(relayOnlyA: true, relayOnlyB: true)
        let completed = call.runUntilCompleted()
        #expect(completed)
        call.run(for: (Instant.zero + .seconds(239)) - call.loop.now)
        call.server.restart()
        // The permission refresh at 240 s meets the restarted server; its 437 kills the selected relay. The agent
        // says disconnected right then (its owner restarts ICE), not after consent's 10 s.
        let disconnected = call.run(for: .seconds(5)) { $0.a.agent.state == .disconnected }
        #expect(disconnected)
        #expect(call.loop.now < Instant.zero + .seconds(242))
    }
}
