@testable import SignalingServer
import Testing

/// The shared heartbeat schedule (engine.io-protocol v4, "Heartbeat"), on instants made up by the test: no sleeping.
@Suite struct HeartbeatScheduleTests {
    let start = ContinuousClock.now

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    func schedule() -> HeartbeatSchedule {
        HeartbeatSchedule(pingInterval: .milliseconds(25_000), pingTimeout: .milliseconds(20_000))
    }

    @Test func pingsAfterTheIntervalThenTimesOutWithoutAPong() {
        var heartbeats = schedule()
        heartbeats.schedulePing("a", now: at(0))
        heartbeats.schedulePing("b", now: at(1_000))
        #expect(heartbeats.nextDeadline == at(25_000))
        #expect(heartbeats.takeDue(now: at(24_999)).isEmpty)
        #expect(heartbeats.takeDue(now: at(26_000)) == [.ping("a"), .ping("b")])
        #expect(heartbeats.nextDeadline == at(46_000))
        heartbeats.schedulePing("b", now: at(27_000))  // b answers
        #expect(heartbeats.takeDue(now: at(46_000)) == [.timeout("a")])
        #expect(heartbeats.takeDue(now: at(52_000)) == [.ping("b")])
    }

    @Test func aPongSupersedesTheTimeoutAndARemovedSessionIsForgotten() {
        var heartbeats = schedule()
        heartbeats.schedulePing("a", now: at(0))
        heartbeats.schedulePing("b", now: at(0))
        #expect(heartbeats.takeDue(now: at(25_000)) == [.ping("a"), .ping("b")])
        heartbeats.schedulePing("a", now: at(30_000))
        heartbeats.remove("b")
        #expect(heartbeats.takeDue(now: at(45_000)).isEmpty)
        #expect(heartbeats.takeDue(now: at(55_000)) == [.ping("a")])
        heartbeats.remove("a")
        #expect(heartbeats.takeDue(now: at(100_000)).isEmpty)
        #expect(heartbeats.nextDeadline == nil)
    }
}
