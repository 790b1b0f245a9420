import Testing
import Wire
@testable import RTP

@Suite struct NackGeneratorTests {
    @Test func requestsGapsAcrossWrapThenRetriesAndStops() {
        var nacks = NackGenerator(senderSSRC: SSRC(1), mediaSSRC: SSRC(2))
        nacks.retryInterval = .milliseconds(100)
        nacks.maxRetries = 3
        nacks.packetReceived(sequenceNumber: 65_533, now: .zero)
        nacks.packetReceived(sequenceNumber: 2, now: .milliseconds(10))
        let first = nacks.pollNack(now: .milliseconds(10))
        #expect(first?.lostSequenceNumbers == [65_534, 65_535, 0, 1])
        #expect(first?.senderSSRC == SSRC(1) && first?.mediaSSRC == SSRC(2))
        #expect(nacks.pollNack(now: .milliseconds(50)) == nil)
        #expect(nacks.nextDeadline() == .milliseconds(110))
        // 0 arrives (a retransmission): it is no longer asked for.
        nacks.packetReceived(sequenceNumber: 0, now: .milliseconds(60))
        #expect(nacks.pollNack(now: .milliseconds(110))?.lostSequenceNumbers == [65_534, 65_535, 1])
        #expect(nacks.pollNack(now: .milliseconds(210))?.lostSequenceNumbers == [65_534, 65_535, 1])
        // Third request was the last.
        #expect(nacks.missingSequenceNumbers.isEmpty)
        #expect(nacks.pollNack(now: .milliseconds(400)) == nil)
        #expect(nacks.nextDeadline() == nil)
    }

    @Test func forgetsPacketsTooOldOrTooFarBehind() {
        var nacks = NackGenerator(senderSSRC: SSRC(1), mediaSSRC: SSRC(2))
        nacks.packetReceived(sequenceNumber: 100, now: .zero)
        nacks.packetReceived(sequenceNumber: 102, now: .zero)
        #expect(nacks.pollNack(now: .zero)?.lostSequenceNumbers == [101])
        #expect(nacks.pollNack(now: .milliseconds(1001)) == nil)
        nacks.packetReceived(sequenceNumber: 104, now: .milliseconds(1001))
        nacks.packetReceived(sequenceNumber: 104 &+ 1200, now: .milliseconds(1002))
        let missing = nacks.missingSequenceNumbers
        #expect(missing.count == 1000)
        #expect(missing.first == 104 &+ 200)
    }
}
