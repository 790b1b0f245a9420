import ICE
import Simulation
import Testing
import Wire

/// Requests with a wrong USERNAME or without valid MESSAGE-INTEGRITY are dropped: no response, no candidate learnt.
@Suite struct IceDropsUnauthenticatedChecks {
    @Test func checksKeyedForSomeoneElseAreIgnored() {
        // A believes B has other credentials, so B cannot authenticate A's checks. B has not been told A's
        // candidates: it could learn A only from a check it accepted.
        var pair = AgentPair(signalCandidatesOfA: false)
        pair.loop.endpoints[0].agent.setRemoteCredentials(
            ICECredentials(ufrag: "wrong", pwd: "wrongwrongwrongwrongwrong"), now: .zero)
        pair.loop.run(for: .seconds(5))
        #expect(pair.loop.network.delivered > 0)
        #expect(pair.a.agent.selectedPair == nil)
        #expect(pair.a.agent.pairs.allSatisfy { $0.state != .succeeded })
        // B answered nothing and learnt no peer-reflexive candidate from A's checks.
        #expect(pair.b.agent.remoteCandidates.isEmpty)
        #expect(pair.b.agent.pairs.isEmpty)
    }

    @Test func everyPairFailingAfterEndOfCandidatesFailsTheAgent() {
        var pair = AgentPair(signalCandidatesOfB: false)
        // A candidate nobody listens on.
        let nowhere = TransportAddress(ip: .v4(10, 0, 0, 9), port: 9)
        pair.loop.endpoints[0].agent.addRemoteCandidate(.host(nowhere), now: .zero)
        pair.loop.endpoints[0].agent.setRemoteGatheringComplete(now: .zero)
        // B stays silent towards A so A never learns a prflx candidate.
        pair.loop.network.setConditions(NetworkConditions(loss: 1.0), from: AgentPair.addressB.ip,
                                        to: AgentPair.addressA.ip)
        let failed = pair.loop.run(for: .seconds(60)) { $0.endpoints[0].agent.state == .failed }
        #expect(failed)
        #expect(pair.a.agent.failureReason?.contains("every candidate pair failed") == true)
    }
}
