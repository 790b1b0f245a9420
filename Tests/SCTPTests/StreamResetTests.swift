import Simulation
import Testing
import Wire
@testable import SCTP

@Suite struct StreamResetTests {
    @Test(arguments: [NetworkConditions.perfect, NetworkConditions(loss: 0.2, delay: .milliseconds(20))])
    func closingOneChannelClosesItOnBothSidesAndLeavesTheOtherWorking(conditions: NetworkConditions) {
        var pair = DataChannelPair(seed: 41, conditions: conditions)
        pair.connect()
        let closing = try! pair.a.createDataChannel(DataChannelOptions(label: "closing"), now: pair.now)
        let staying = try! pair.a.createDataChannel(DataChannelOptions(label: "staying"), now: pair.now)
        for index in 0..<20 { try! pair.a.send(numbered(index), on: closing, now: pair.now) }
        pair.a.close(channel: closing, now: pair.now)
        #expect(pair.a.channel(closing)?.state == .closing)
        #expect(throws: DataChannelError.channelClosed(closing)) {
            try pair.a.send(.text("late"), on: closing, now: pair.now)
        }
        #expect(pair.run(for: .seconds(30)) {
            $0.eventsA.contains { $0.closedID == closing } && $0.eventsB.contains { $0.closedID == closing }
        })
        // Everything sent before the close arrived first.
        #expect(pair.messagesB(on: closing).compactMap(index(of:)) == Array(0..<20))
        #expect(!pair.eventsA.contains { $0.closedID == staying })
        #expect(!pair.eventsB.contains { $0.closedID == staying })
        #expect(pair.a.channel(closing) == nil)
        #expect(pair.b.channel(closing) == nil)
        try! pair.a.send(.text("still here"), on: staying, now: pair.now)
        try! pair.b.send(.text("and here"), on: staying, now: pair.now)
        #expect(pair.run(for: .seconds(10)) {
            $0.messagesB(on: staying) == [.text("still here")] && $0.messagesA(on: staying) == [.text("and here")]
        })
        // The id can be used again, starting from SSN 0 on both sides.
        let again = try! pair.a.createDataChannel(DataChannelOptions(label: "again", id: closing), now: pair.now)
        try! pair.a.send(.text("reborn"), on: again, now: pair.now)
        #expect(pair.run(for: .seconds(10)) { $0.messagesB(on: again).last == .text("reborn") })
    }

    @Test func remoteCloseIsMirrored() {
        var pair = DataChannelPair(seed: 42)
        pair.connect()
        let id = try! pair.a.createDataChannel(DataChannelOptions(label: "x"), now: pair.now)
        pair.run(for: .seconds(1))
        pair.b.close(channel: id, now: pair.now)
        #expect(pair.run(for: .seconds(5)) {
            $0.eventsA.contains { $0.closedID == id } && $0.eventsB.contains { $0.closedID == id }
        })
    }
}

extension NetworkConditions: CustomTestStringConvertible {
    public var testDescription: String { "loss \(loss)" }
}
