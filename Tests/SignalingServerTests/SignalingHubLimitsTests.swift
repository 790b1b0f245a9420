import Signaling
@testable import SignalingServer
import Testing

/// Room tokens (forbidden), room size cap (room-full) and the per-socket event rate (rate-limited) in the hub.
@Suite struct SignalingHubLimitsTests {
    @Test func tokenRoomsAreEnforcedAndTheTokenNameWins() {
        var harness = HubHarness()
        let grant = ConnectAuthorization.token(name: "alice", rooms: ["allowed"])
        #expect(texts(harness.send("c1", #"0{"name":"mallory"}"#, authorization: grant)) == [#"c1 0{"sid":"s1"}"#])
        let refused = texts(harness.send("c1", #"21["join",{"room":"other","name":"x"}]"#))
        #expect(refused.count == 1 && refused[0].contains(#""error":"forbidden""#))
        #expect(harness.hub.rooms(of: "s1").isEmpty)
        let joined = texts(harness.send("c1", #"22["join",{"room":"allowed","name":"mallory"}]"#))
        #expect(joined.count == 1 && joined[0].contains(#""self":{"id":"s1","name":"alice"}"#))
    }

    @Test func refusedAuthorizationSendsConnectError() {
        var harness = HubHarness()
        let outputs = texts(harness.send("c1", "0", authorization: .refused("invalid token: expired")))
        #expect(outputs == [#"c1 4{"message":"invalid token: expired"}"#])
        #expect(harness.hub.participantCount == 0)
        #expect(harness.hub.stats.refusedConnects == 1)
    }

    @Test func fullRoomRefusesTheNextJoin() {
        var limits = SignalingServerLimits()
        limits.maxRoomSize = 2
        var harness = HubHarness(configuration: SignalingHubConfiguration(limits: limits))
        _ = harness.enter("c1", name: "a", room: "r")
        _ = harness.enter("c2", name: "b", room: "r")
        _ = harness.send("c3", "0")
        let refused = texts(harness.send("c3", #"27["join",{"room":"r","name":"c"}]"#))
        #expect(refused.count == 1 && refused[0].contains(#""error":"room-full""#))
        #expect(harness.hub.stats.refused["room-full"] == 1)
        // A member joining again is not a new member.
        let again = texts(harness.send("c1", #"28["join",{"room":"r","name":"a"}]"#))
        #expect(again.count == 1 && again[0].contains(#""ok":true"#))
    }

    @Test func chatFloodIsRateLimitedAndRecovers() {
        var limits = SignalingServerLimits()
        limits.eventBurst = 5
        limits.eventsPerSecond = 2
        var harness = HubHarness(configuration: SignalingHubConfiguration(limits: limits))
        _ = harness.enter("c1", name: "a", room: "r")  // the join takes one token
        var refusals = 0
        for index in 0..<10 {
            let outputs = texts(harness.send("c1", #"2\#(index)["chat",{"room":"r","text":"x"}]"#))
            if outputs.contains(where: { $0.contains(#""error":"rate-limited""#) }) { refusals += 1 }
        }
        #expect(refusals == 6)
        harness.now += 1_000  // two tokens later
        let outputs = texts(harness.send("c1", #"299["chat",{"room":"r","text":"back"}]"#))
        #expect(outputs.contains { $0.contains("back") })
    }
}

/// The rate limiters are pure functions of the time they are given.
@Suite struct RateLimiterTests {
    @Test func bucketAllowsTheBurstThenTheRate() {
        var bucket = TokenBucket(capacity: 3, rate: 1, now: 0)
        #expect((0..<5).map { _ in bucket.allow(now: 0) } == [true, true, true, false, false])
        #expect(bucket.allow(now: 0.5) == false)
        #expect(bucket.allow(now: 1.0) == true)
        #expect(bucket.allow(now: 1.0) == false)
        let full = bucket.isFull(now: 100)
        #expect(full)
    }

    @Test func tableKeepsOneBucketPerKeyAndPrunesFullOnes() {
        var table = RateLimiterTable(capacity: 2, rate: 1)
        let allowed = [table.allow("a", now: 0), table.allow("a", now: 0), table.allow("a", now: 0),
                       table.allow("b", now: 0)]
        #expect(allowed == [true, true, false, true])
        #expect(table.count == 2)
        table.prune(now: 10)
        #expect(table.count == 0)
    }
}
