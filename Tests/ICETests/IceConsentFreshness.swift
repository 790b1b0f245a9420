import ICE
import Simulation
import Testing
import Wire

/// RFC 7675: after 30 seconds without a response on the selected pair the agent fails and says why.
@Suite struct IceConsentFreshness {
    @Test func consentExpiresThirtySecondsAfterThePeerGoesSilent() {
        var pair = AgentPair()
        let completed = pair.runUntilCompleted()
        #expect(completed)
        // Consent keeps the session alive while the peer answers.
        pair.loop.run(for: .seconds(60))
        #expect(pair.a.agent.state == .completed)
        let silentSince = pair.loop.now
        // Now everything B sends is lost.
        pair.loop.network.setConditions(NetworkConditions(loss: 1.0), from: AgentPair.addressB.ip,
                                        to: AgentPair.addressA.ip)
        let failed = pair.loop.run(for: .seconds(60)) { $0.endpoints[0].agent.state == .failed }
        #expect(failed)
        let failedAfter = pair.loop.now - silentSince
        #expect(failedAfter > .seconds(24) && failedAfter <= .seconds(31))
        #expect(pair.a.states.contains(.disconnected))
        #expect(pair.a.agent.failureReason?.contains("consent") == true)
        #expect(pair.a.agent.nextDeadline() == nil)
    }

    @Test func anUnansweredConsentCheckReportsDisconnectedWithinOneIntervalAndAHalf() {
        var pair = AgentPair()
        let completed = pair.runUntilCompleted()
        #expect(completed)
        pair.loop.run(for: .seconds(20))
        let silentSince = pair.loop.now
        pair.loop.network.setConditions(NetworkConditions(loss: 1.0), from: AgentPair.addressB.ip,
                                        to: AgentPair.addressA.ip)
        let disconnected = pair.loop.run(for: .seconds(15)) { $0.endpoints[0].agent.state == .disconnected }
        #expect(disconnected)
        // The next consent check goes out within 6 s (5 s ± 20%) and is given up on 2.5 s later: well before the
        // 10 s of silence that would otherwise be needed.
        #expect(pair.loop.now - silentSince <= .milliseconds(8_500))
        // When the peer answers again, the agent is connected again without a restart.
        pair.loop.network.setConditions(.perfect, from: AgentPair.addressB.ip, to: AgentPair.addressA.ip)
        let back = pair.loop.run(for: .seconds(10)) { $0.endpoints[0].agent.state == .completed }
        #expect(back)
    }
}
