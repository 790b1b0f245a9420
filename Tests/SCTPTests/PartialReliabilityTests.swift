import Simulation
import Testing
import Wire
@testable import SCTP

@Suite struct PartialReliabilityTests {
    static let lossy = NetworkConditions(loss: 0.2, delay: .milliseconds(20), jitter: .milliseconds(10))

    @Test(arguments: [true, false])
    func maxRetransmitsZeroDropsLostMessagesAndTheStreamGoesOn(ordered: Bool) {
        var pair = DataChannelPair(seed: 31, conditions: Self.lossy)
        pair.connect()
        let id = try! pair.a.createDataChannel(
            DataChannelOptions(label: "lossy", ordered: ordered, maxRetransmits: 0), now: pair.now)
        pair.run(for: .seconds(2))
        let count = 300
        for index in 0..<count {
            try! pair.a.send(numbered(index, size: 200 + index % 3 * 1500), on: id, now: pair.now)
            pair.run(for: .milliseconds(5))
        }
        pair.run(for: .seconds(20))
        let indices = pair.messagesB(on: id).compactMap(index(of:))
        #expect(indices.count < count)            // some were lost for good
        #expect(indices.count > count / 2)        // most arrived
        #expect(Set(indices).count == indices.count)
        if ordered { #expect(indices == indices.sorted()) }
        #expect(pair.a.stats.abandonedChunks > 0)
        #expect(pair.a.stats.timeoutRetransmissions + pair.a.stats.fastRetransmissions == 0
                    || pair.a.stats.abandonedChunks > 0)
        #expect(pair.a.bufferedAmount(of: id) == 0)
        // The stream keeps going: a reliable channel next to it is unaffected, and a late message arrives.
        try! pair.a.send(numbered(10_000), on: id, now: pair.now)
        pair.network.defaultConditions = .perfect
        #expect(pair.run(for: .seconds(5)) { $0.messagesB(on: id).last.flatMap(index(of:)) == 10_000 })
    }

    @Test func maxPacketLifeTimeAbandonsOldMessages() {
        // A 300 ms outage with a 100 ms lifetime: everything sent into the outage is abandoned, the rest arrives.
        var pair = DataChannelPair(seed: 32, conditions: NetworkConditions(delay: .milliseconds(10)))
        pair.connect()
        let id = try! pair.a.createDataChannel(
            DataChannelOptions(label: "timed", maxPacketLifeTime: 100), now: pair.now)
        pair.run(for: .seconds(1))
        pair.outage = pair.now..<(pair.now + .milliseconds(300))
        for index in 0..<20 { try! pair.a.send(numbered(index), on: id, now: pair.now) }
        pair.run(for: .milliseconds(400))
        for index in 20..<40 { try! pair.a.send(numbered(index), on: id, now: pair.now) }
        pair.run(for: .seconds(10))
        let indices = pair.messagesB(on: id).compactMap(index(of:))
        #expect(indices == Array(20..<40))
        #expect(pair.a.stats.abandonedChunks >= 20)
        #expect(pair.a.bufferedAmount(of: id) == 0)
    }

    @Test func abandonedFragmentsOfALargeMessageAreSkipped() {
        var pair = DataChannelPair(seed: 33, conditions: NetworkConditions(delay: .milliseconds(10)))
        pair.connect()
        let id = try! pair.a.createDataChannel(
            DataChannelOptions(label: "frag", maxRetransmits: 0), now: pair.now)
        pair.run(for: .seconds(1))
        pair.outage = pair.now..<(pair.now + .milliseconds(5))
        try! pair.a.send(numbered(1, size: 30_000), on: id, now: pair.now)
        pair.run(for: .milliseconds(50))
        try! pair.a.send(numbered(2, size: 30_000), on: id, now: pair.now)
        pair.run(for: .seconds(10))
        #expect(pair.messagesB(on: id).compactMap(index(of:)) == [2])
    }
}
