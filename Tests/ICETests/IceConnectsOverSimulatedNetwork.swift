import ICE
import Simulation
import Testing
import Wire

@Suite struct IceConnectsOverSimulatedNetwork {
    @Test func cleanPathSelectsTheHostPairOnBothSides() {
        var pair = AgentPair()
        let completed = pair.runUntilCompleted()
        #expect(completed)
        #expect(pair.a.agent.state == .completed)
        #expect(pair.b.agent.state == .completed)
        #expect(pair.a.agent.selectedPair?.remote.address == AgentPair.addressB)
        #expect(pair.b.agent.selectedPair?.remote.address == AgentPair.addressA)
        #expect(pair.a.states.first == .checking)
        // On a 1 ms path, regular nomination finishes within a handful of round trips.
        #expect(pair.loop.now < .milliseconds(200))
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func twentyPercentLossAndReorderingStillConnects(seed: UInt64) {
        let lossy = NetworkConditions(loss: 0.2, delay: .milliseconds(20), jitter: .milliseconds(30))
        var pair = AgentPair(seed: seed, conditions: lossy)
        let completed = pair.runUntilCompleted(timeout: .seconds(30))
        #expect(completed)
        #expect(pair.loop.network.dropped > 0 || pair.loop.network.sent < 10)
    }

    @Test func peerReflexiveCandidateIsLearntFromAnIncomingCheck() {
        // B never hears of A's candidates: it must learn A from A's checks (RFC 8445 §7.3.1.3).
        var pair = AgentPair(signalCandidatesOfA: false)
        let completed = pair.runUntilCompleted()
        #expect(completed)
        let learnt = pair.b.agent.remoteCandidates.first { $0.address == AgentPair.addressA }
        #expect(learnt?.type == .prflx)
        #expect(pair.b.agent.selectedPair?.remote.address == AgentPair.addressA)
    }

    @Test func trickledCandidatesArriveLate() {
        var pair = AgentPair(signalCandidatesOfA: false, signalCandidatesOfB: false)
        pair.loop.run(for: .seconds(1))
        #expect(pair.a.agent.selectedPair == nil)
        pair.loop.endpoints[0].agent.addRemoteCandidate(.host(AgentPair.addressB), now: pair.loop.now)
        pair.loop.endpoints[0].agent.setRemoteGatheringComplete(now: pair.loop.now)
        let completed = pair.runUntilCompleted()
        #expect(completed)
        #expect(pair.a.events.contains(.gatheringComplete))
        #expect(pair.a.events.contains(.localCandidate(.host(AgentPair.addressA))))
    }
}
