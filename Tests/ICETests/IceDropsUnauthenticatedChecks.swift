import ICE
import Simulation
import Testing
import Wire

/// Requests with a wrong USERNAME or without valid MESSAGE-INTEGRITY are dropped: no response, no candidate learnt.
@Suite struct IceDropsUnauthenticatedChecks {
    @Test func checksKeyedForSomeoneElseAreIgnored() {
        // An agent that believes B has other credentials sends checks B cannot authenticate.
        var pair = AgentPair()
        pair.loop.endpoints[0].agent.setRemoteCredentials(
            ICECredentials(ufrag: "wrong", pwd: "wrongwrongwrongwrongwrong"), now: .zero)
        pair.loop.endpoints[1].agent.setRemoteGatheringComplete(now: .zero)
        pair.loop.run(for: .seconds(5))
        #expect(pair.a.agent.selectedPair == nil)
        // B answered nothing A sent, and so learnt nothing from A either.
        #expect(pair.b.agent.pairs.allSatisfy { $0.state != .succeeded })
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
