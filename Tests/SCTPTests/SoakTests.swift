import Simulation
import Testing
import Wire
@testable import SCTP

/// Many seeded runs mixing everything: up to 30% loss, reordering, duplication, outages, one or two INITs,
/// reliable ordered and unordered channels next to a partially reliable one that both sides close, then a
/// shutdown. Every run must deliver, close and shut down cleanly.
@Test(arguments: Array(UInt64(100)..<UInt64(130)))
func soakMixedTrafficUnderImpairments(seed: UInt64) {
    let conditions = NetworkConditions(loss: Double(seed % 7) * 0.05, delay: .milliseconds(Int64(seed % 40) + 1),
                                       jitter: .milliseconds(20), duplication: 0.05)
    var pair = DataChannelPair(seed: seed, conditions: conditions)
    pair.a.connect(now: pair.now); if seed % 3 != 0 { pair.b.connect(now: pair.now) }
    let held = pair.run(for: .seconds(200)) { $0.bothConnected }
    #expect(held)
    let ordered = try! pair.a.createDataChannel(DataChannelOptions(label: "o"), now: pair.now)
    let unordered = try! pair.b.createDataChannel(DataChannelOptions(label: "u", ordered: false), now: pair.now)
    let partial = try! pair.a.createDataChannel(DataChannelOptions(label: "p", maxRetransmits: 1), now: pair.now)
    for index in 0..<150 {
        try! pair.a.send(numbered(index, size: 1 + index * 97 % 5000), on: ordered, now: pair.now)
        try! pair.b.send(numbered(index, size: 1 + index * 61 % 4000), on: unordered, now: pair.now)
        try! pair.a.send(numbered(index, size: 1 + index * 13 % 3000), on: partial, now: pair.now)
        if index % 10 == 0 { pair.run(for: .milliseconds(7)) }
    }
    pair.a.close(channel: partial, now: pair.now)
    if seed % 2 == 0 { pair.b.close(channel: partial, now: pair.now) }
    if seed % 5 == 0 { pair.outage = pair.now..<(pair.now + .milliseconds(1500)) }
    let done = pair.run(for: .seconds(300)) {
        $0.messagesB(on: ordered).count == 150 && $0.messagesA(on: unordered).count == 150
            && $0.eventsB.contains { $0.closedID == partial } && $0.eventsA.contains { $0.closedID == partial }
    }
    #expect(done, "seed \(seed): \(pair.messagesB(on: ordered).count) \(pair.messagesA(on: unordered).count)")
    #expect(pair.messagesB(on: ordered).compactMap(index(of:)) == Array(0..<150))
    #expect(Set(pair.messagesA(on: unordered).compactMap(index(of:))) == Set(0..<150))
    let p = pair.messagesB(on: partial).compactMap(index(of:))
    #expect(p == p.sorted() && Set(p).count == p.count)
    pair.a.shutdown(now: pair.now)
    let closed = pair.run(for: .seconds(300)) {
        $0.a.associationState == .terminated && $0.b.associationState == .terminated
    }
    #expect(closed, "seed \(seed) shutdown: \(pair.a.associationState) \(pair.b.associationState)")
    #expect(pair.eventsA.compactMap(\.failure).isEmpty && pair.eventsB.compactMap(\.failure).isEmpty)
}
