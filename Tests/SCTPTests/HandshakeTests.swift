import Simulation
import Testing
import Wire
@testable import SCTP

@Suite struct HandshakeTests {
    @Test func oneInitiatorEstablishes() {
        var pair = DataChannelPair()
        do { let held = pair.connect(both: false); #expect(held) }
        #expect(pair.a.associationState == .established)
        #expect(pair.b.associationState == .established)
    }

    @Test func simultaneousInitsEstablishOneAssociation() {
        var pair = DataChannelPair()
        do { let held = pair.connect(both: true); #expect(held) }
        #expect(pair.a.association.peerTag == pair.b.association.localTag)
        #expect(pair.b.association.peerTag == pair.a.association.localTag)
        // Data flows both ways over the converged association.
        let id = try! pair.a.createDataChannel(DataChannelOptions(label: "x"), now: pair.now)
        try! pair.a.send(.text("hello"), on: id, now: pair.now)
        #expect(pair.run(for: .seconds(5)) { $0.messagesB(on: id) == [.text("hello")] })
    }

    @Test func responderConnectingLateStillEstablishes() {
        // aiortc-like: A's INIT is answered before B itself calls connect; B's INIT then meets an established A.
        var pair = DataChannelPair()
        pair.a.connect(now: pair.now)
        pair.run(for: .milliseconds(2))
        pair.b.connect(now: pair.now)
        #expect(pair.run(for: .seconds(10)) { $0.bothConnected })
        pair.run(for: .seconds(5))
        #expect(pair.eventsA.filter(\.isConnected).count == 1)
        #expect(pair.eventsB.filter(\.isConnected).count == 1)
    }

    @Test(arguments: [UInt64(3), 4, 5, 6])
    func lossyHandshakeEstablishes(seed: UInt64) {
        var pair = DataChannelPair(seed: seed, conditions: NetworkConditions(loss: 0.3, delay: .milliseconds(20)))
        do { let held = pair.connect(both: seed % 2 == 0); #expect(held) }
    }

    @Test func handshakeTimesOutWithoutPeer() {
        var pair = DataChannelPair()
        pair.outage = Instant.zero..<Instant.milliseconds(1_000_000)
        pair.a.connect(now: pair.now)
        pair.run(for: .seconds(120))
        #expect(pair.eventsA.contains { if case .handshakeTimedOut = $0.failure { true } else { false } })
    }
}
