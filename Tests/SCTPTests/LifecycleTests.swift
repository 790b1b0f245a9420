import Simulation
import Testing
import Wire
@testable import SCTP

@Suite struct LifecycleTests {
    @Test func survivesATwoSecondOutage() {
        var pair = DataChannelPair(seed: 51, conditions: NetworkConditions(delay: .milliseconds(20)))
        pair.connect()
        let id = try! pair.a.createDataChannel(DataChannelOptions(label: "o"), now: pair.now)
        pair.run(for: .seconds(1))
        pair.outage = pair.now..<(pair.now + .seconds(2))
        for index in 0..<200 {
            try! pair.a.send(numbered(index, size: 500), on: id, now: pair.now)
            try! pair.b.send(numbered(index, size: 500), on: id, now: pair.now)
            pair.run(for: .milliseconds(10))
        }
        #expect(pair.run(for: .seconds(30)) { $0.messagesB(on: id).count == 200 && $0.messagesA(on: id).count == 200 })
        #expect(pair.messagesB(on: id).compactMap(index(of:)) == Array(0..<200))
        #expect(pair.a.associationState == .established)
        #expect(pair.a.stats.timeoutRetransmissions > 0)
    }

    @Test func tooManyRetransmissionsFailTheAssociation() {
        var pair = DataChannelPair(seed: 52)
        pair.connect()
        let id = try! pair.a.createDataChannel(DataChannelOptions(label: "dead"), now: pair.now)
        pair.run(for: .seconds(1))
        pair.outage = pair.now..<(pair.now + .seconds(100_000))
        try! pair.a.send(.text("into the void"), on: id, now: pair.now)
        #expect(pair.run(for: .seconds(600)) { $0.eventsA.contains { $0.failure != nil } })
        let failure = pair.eventsA.compactMap(\.failure).first
        #expect(failure == .retransmissionLimitReached(attempts: 10))
        #expect(failure?.description.contains("unacknowledged") == true)
        #expect(pair.eventsA.contains { $0.closedID == id })
        #expect(throws: DataChannelError.self) { try pair.a.send(.text("x"), on: id, now: pair.now) }
    }

    @Test func shutdownIsClean() {
        var pair = DataChannelPair(seed: 53, conditions: NetworkConditions(loss: 0.1, delay: .milliseconds(10)))
        pair.connect()
        let id = try! pair.a.createDataChannel(DataChannelOptions(label: "s"), now: pair.now)
        for index in 0..<50 { try! pair.a.send(numbered(index, size: 3000), on: id, now: pair.now) }
        pair.a.shutdown(now: pair.now)
        #expect(pair.run(for: .seconds(60)) {
            $0.a.associationState == .terminated && $0.b.associationState == .terminated
        })
        #expect(pair.messagesB(on: id).compactMap(index(of:)) == Array(0..<50))
        #expect(!pair.eventsA.contains { $0.failure != nil })
        #expect(!pair.eventsB.contains { $0.failure != nil })
        #expect(pair.eventsB.contains { $0.closedID == id })
        #expect(pair.a.nextDeadline() == nil)
    }

    @Test func abortReachesThePeerWithItsReason() {
        var pair = DataChannelPair(seed: 54)
        pair.connect()
        _ = try! pair.a.createDataChannel(DataChannelOptions(label: "a"), now: pair.now)
        pair.run(for: .seconds(1))
        pair.a.abort(reason: "user hung up", now: pair.now)
        pair.run(for: .seconds(1))
        #expect(pair.eventsA.compactMap(\.failure) == [.abortedLocally(reason: "user hung up")])
        #expect(pair.eventsB.compactMap(\.failure) == [.abortedByPeer(reason: "user-initiated abort: user hung up")])
        #expect(pair.b.associationState == .terminated)
    }

    @Test func bufferedAmountLowFiresWhenDrainedBelowThreshold() {
        var pair = DataChannelPair(seed: 55, conditions: NetworkConditions(delay: .milliseconds(10)))
        pair.connect()
        let id = try! pair.a.createDataChannel(DataChannelOptions(label: "b"), now: pair.now)
        pair.a.setBufferedAmountLowThreshold(1000, for: id)
        for index in 0..<10 { try! pair.a.send(numbered(index, size: 1000), on: id, now: pair.now) }
        #expect(pair.a.bufferedAmount(of: id) == 10_000)
        #expect(pair.a.channel(id)?.bufferedAmount == 10_000)
        pair.run(for: .seconds(2))
        #expect(pair.a.bufferedAmount(of: id) == 0)
        #expect(pair.eventsA.filter { if case .bufferedAmountLow(id) = $0 { true } else { false } }.count == 1)
        #expect(pair.a.channel(id)?.messagesSent == 10)
        #expect(pair.b.channel(id)?.bytesReceived == 10_000)
    }
}
