import ICE
import Simulation
import Testing
import Wire

/// RFC 8445 §7.3.1.1 and §7.2.5.1: when both agents think they are controlling (or both controlled), the
/// tie-breaker decides, one switches role, and the session still completes with one nominated pair.
@Suite struct IceRoleConflict {
    @Test(arguments: [ICERole.controlling, .controlled])
    func bothSidesInTheSameRoleResolveToOneOfEach(role: ICERole) {
        var pair = AgentPair(seed: 11, roleA: role, roleB: role)
        let completed = pair.runUntilCompleted()
        #expect(completed)
        #expect(pair.a.agent.role != pair.b.agent.role)
        let switched = pair.a.events + pair.b.events
        #expect(switched.contains { if case .roleChanged = $0 { true } else { false } })
        // The agent with the larger tie-breaker ends up controlling.
        let aWins = pair.a.agent.tieBreaker >= pair.b.agent.tieBreaker
        #expect(pair.a.agent.role == (aWins ? .controlling : .controlled))
    }
}
