import Simulation
import Testing
import Wire
@testable import SCTP

@Suite struct DataTransferTests {
    static let lossy = NetworkConditions(loss: 0.1, delay: .milliseconds(20), jitter: .milliseconds(15),
                                         duplication: 0.05)

    @Test func dcepOpenAckAndEvenOddIDs() {
        var pair = DataChannelPair()
        let fromA = try! pair.a.createDataChannel(DataChannelOptions(label: "chat", protocol: "p1"), now: pair.now)
        pair.connect()
        let fromB = try! pair.b.createDataChannel(DataChannelOptions(label: "back"), now: pair.now)
        #expect(fromA % 2 == 0)
        #expect(fromB % 2 == 1)
        pair.run(for: .seconds(2))
        #expect(pair.eventsB.contains { if case .opened(fromA, "chat", "p1", true) = $0 { true } else { false } })
        #expect(pair.eventsA.contains { if case .opened(fromA, "chat", "p1", false) = $0 { true } else { false } })
        #expect(pair.eventsA.contains { if case .opened(fromB, "back", "", true) = $0 { true } else { false } })
        #expect(pair.a.channel(fromA)?.state == .open)
        #expect(pair.b.channel(fromA)?.remotelyCreated == true)
        #expect(pair.a.channels[fromA]?.confirmed == true)  // DATA_CHANNEL_ACK arrived
    }

    @Test func negotiatedChannelsSendNoOpen() {
        var pair = DataChannelPair()
        pair.connect()
        let options = DataChannelOptions(label: "n", negotiated: true, id: 7)
        #expect((try? pair.a.createDataChannel(options, now: pair.now)) == 7)
        #expect((try? pair.b.createDataChannel(options, now: pair.now)) == 7)
        try! pair.a.send(.text("one"), on: 7, now: pair.now)
        try! pair.b.send(.binary([]), on: 7, now: pair.now)
        try! pair.b.send(.text(""), on: 7, now: pair.now)
        pair.run(for: .seconds(1))
        #expect(pair.messagesB(on: 7) == [.text("one")])
        #expect(pair.messagesA(on: 7) == [.binary([]), .text("")])
        #expect(!pair.eventsB.contains { if case .opened(_, _, _, true) = $0 { true } else { false } })
    }

    @Test func messagesBeforeConnectFollowTheOpen() {
        var pair = DataChannelPair()
        let id = try! pair.a.createDataChannel(DataChannelOptions(label: "early", ordered: false), now: pair.now)
        for index in 0..<5 { try! pair.a.send(numbered(index), on: id, now: pair.now) }
        pair.connect()
        pair.run(for: .seconds(2))
        #expect(pair.messagesB(on: id).compactMap(index(of:)) == Array(0..<5))
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func orderedDeliversEveryMessageOnceInOrderUnderLossReorderAndDuplication(seed: UInt64) {
        var pair = DataChannelPair(seed: seed, conditions: Self.lossy)
        pair.connect()
        let id = try! pair.a.createDataChannel(DataChannelOptions(label: "ordered"), now: pair.now)
        let count = 400
        for index in 0..<count {
            try! pair.a.send(numbered(index, size: 10 + index * 37 % 3000), on: id, now: pair.now)
        }
        let done = pair.run(for: .seconds(120)) { $0.messagesB(on: id).count >= count }
        #expect(done)
        pair.run(for: .seconds(2))
        let received = pair.messagesB(on: id)
        #expect(received.compactMap(index(of:)) == Array(0..<count))
        #expect(received == (0..<count).map { numbered($0, size: 10 + $0 * 37 % 3000) })
        // Everything is acknowledged eventually (a lost final SACK waits for a backed-off T3).
        #expect(pair.run(for: .seconds(30)) { $0.a.bufferedAmount(of: id) == 0 })
        #expect(pair.b.stats.duplicateTSNsReceived > 0 || pair.network.duplicated == 0)
    }

    @Test(arguments: [UInt64(21), 22])
    func unorderedDeliversEveryMessageExactlyOnce(seed: UInt64) {
        var pair = DataChannelPair(seed: seed, conditions: Self.lossy)
        pair.connect()
        let id = try! pair.a.createDataChannel(DataChannelOptions(label: "u", ordered: false), now: pair.now)
        pair.run(for: .seconds(1))  // the ACK arrives: messages may now go unordered
        let count = 300
        for index in 0..<count { try! pair.a.send(numbered(index, size: 1 + index * 53 % 2500), on: id, now: pair.now) }
        #expect(pair.run(for: .seconds(120)) { $0.messagesB(on: id).count >= count })
        pair.run(for: .seconds(2))
        let indices = pair.messagesB(on: id).compactMap(index(of:))
        #expect(indices.count == count)
        #expect(Set(indices) == Set(0..<count))
    }

    @Test func largeMessagesReassemble() {
        var pair = DataChannelPair(seed: 5, conditions: NetworkConditions(loss: 0.02, delay: .milliseconds(10),
                                                                           jitter: .milliseconds(5)))
        pair.connect()
        let id = try! pair.a.createDataChannel(DataChannelOptions(label: "big"), now: pair.now)
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        #expect(throws: DataChannelError.messageTooLarge(size: 200_000, limit: 65536)) {
            try pair.a.send(.binary(big), on: id, now: pair.now)
        }
        var configuration = SCTPConfiguration()
        configuration.remoteMaxMessageSize = 0
        pair = DataChannelPair(seed: 5, conditions: NetworkConditions(loss: 0.02, delay: .milliseconds(10)),
                               configurationA: configuration)
        pair.connect()
        let channel = try! pair.a.createDataChannel(DataChannelOptions(label: "big"), now: pair.now)
        try! pair.a.send(.binary(big), on: channel, now: pair.now)
        try! pair.a.send(.text(String(repeating: "é", count: 50_000)), on: channel, now: pair.now)
        #expect(pair.run(for: .seconds(60)) { $0.messagesB(on: channel).count == 2 })
        #expect(pair.messagesB(on: channel) == [.binary(big), .text(String(repeating: "é", count: 50_000))])
    }

    @Test func bulkTransferFillsABandwidthLimitedLink() {
        // 20 Mbit/s, 30 ms RTT, drop-tail queue: the window must grow well beyond its start and use the link.
        let conditions = NetworkConditions(delay: .milliseconds(15), bandwidth: 20_000_000,
                                           queueLimit: .milliseconds(60))
        var pair = DataChannelPair(seed: 9, conditions: conditions)
        pair.connect()
        let id = try! pair.a.createDataChannel(DataChannelOptions(label: "bulk"), now: pair.now)
        let start = pair.now
        let total = 5_000_000
        let chunk = 16_384
        var queued = 0
        try! pair.a.send(numbered(0, size: chunk), on: id, now: pair.now)
        queued += chunk
        pair.a.setBufferedAmountLowThreshold(1_000_000, for: id)
        while queued < total {
            try! pair.a.send(numbered(queued / chunk, size: chunk), on: id, now: pair.now)
            queued += chunk
            if pair.a.bufferedAmount(of: id) > 2_000_000 {
                pair.run(for: .seconds(10)) { $0.a.bufferedAmount(of: id) <= 1_000_000 }
            }
        }
        let messages = (total + chunk - 1) / chunk
        #expect(pair.run(for: .seconds(60)) { $0.messagesB(on: id).count == messages })
        let seconds = (pair.now - start).milliseconds / 1000
        let throughput = Double(total * 8) / seconds
        #expect(throughput > 12_000_000, "throughput \(throughput) bit/s, cwnd \(pair.a.stats.congestionWindow)")
        #expect(pair.eventsA.contains { if case .bufferedAmountLow(id) = $0 { true } else { false } })
    }
}
