import Testing
import Wire
@testable import RTP

@Suite struct RTCPStatisticsTests {
    @Test func receiverStatisticsLossAndFraction() {
        var stats = ReceiverStatistics(ssrc: SSRC(5), clockRate: 8000)
        for seq: UInt16 in 10...19 where seq != 12 && seq != 15 {
            stats.packetReceived(sequenceNumber: seq, rtpTimestamp: UInt32(seq) * 160,
                                 arrival: .milliseconds(Int64(seq) * 20))
        }
        let block = stats.makeReportBlock(now: .milliseconds(400))
        #expect(block.fractionLost == 51)  // 2 of 10: (2 << 8) / 10
        #expect(block.cumulativeLost == 2)
        #expect(block.extendedHighestSequenceNumber == 19)
        #expect(block.jitter == 0)
        #expect(block.lastSenderReport == 0 && block.delaySinceLastSenderReport == 0)
        // Next interval: wrap to 65535 -> 1, nothing lost; a duplicate makes cumulative loss go down.
        stats.packetReceived(sequenceNumber: 20, rtpTimestamp: 3200, arrival: .milliseconds(400))
        stats.packetReceived(sequenceNumber: 20, rtpTimestamp: 3200, arrival: .milliseconds(401), forJitter: false)
        let second = stats.makeReportBlock(now: .milliseconds(500))
        #expect(second.fractionLost == 0 && second.cumulativeLost == 1)
    }

    @Test func extendedHighestCountsCycles() {
        var stats = ReceiverStatistics(ssrc: SSRC(5), clockRate: 90_000)
        for seq: UInt16 in [65_534, 65_535, 0, 1] {
            stats.packetReceived(sequenceNumber: seq, rtpTimestamp: 0, arrival: .zero)
        }
        #expect(stats.makeReportBlock(now: .zero).extendedHighestSequenceNumber == 0x0001_0001)
    }

    @Test func jitterFollowsAppendixA8() {
        // 8 kHz clock: 30 ms = 240 units. Transits 0, 80, 0 -> J = 80/16 = 5, then 5 + (80 - 5)/16 = 9.69 -> 9.
        var stats = ReceiverStatistics(ssrc: SSRC(5), clockRate: 8000)
        stats.packetReceived(sequenceNumber: 1, rtpTimestamp: 0xFFFF_FF00, arrival: .milliseconds(0))
        stats.packetReceived(sequenceNumber: 2, rtpTimestamp: 0xFFFF_FF00 &+ 160, arrival: .milliseconds(30))
        #expect(stats.jitter == 5)
        stats.packetReceived(sequenceNumber: 3, rtpTimestamp: 0xFFFF_FF00 &+ 320, arrival: .milliseconds(40))
        #expect(stats.jitter == 9)
    }

    @Test func lastSenderReportAndDelay() {
        var stats = ReceiverStatistics(ssrc: SSRC(5), clockRate: 90_000)
        stats.packetReceived(sequenceNumber: 1, rtpTimestamp: 0, arrival: .zero)
        stats.senderReportReceived(ntpTimestamp: 0xAABB_CCDD_EEFF_0011, now: .milliseconds(1000))
        let block = stats.makeReportBlock(now: .milliseconds(1500))
        #expect(block.lastSenderReport == 0xCCDD_EEFF)
        #expect(block.delaySinceLastSenderReport == 32_768)
    }

    @Test func roundTripTimeWorkedExample() {
        // RFC 3550 §6.4.1 figure: A = 0xb710:8000, LSR = 0xb705:2000, DLSR = 0x0005:4000 -> 0x0006:2000 = 6.125 s.
        let rtt = RoundTripTime.compute(
            arrival: 0xB710_8000, lastSenderReport: 0xB705_2000, delaySinceLastSenderReport: 0x0005_4000)
        #expect(rtt == .milliseconds(6125))
        #expect(RoundTripTime.compute(arrival: 5, lastSenderReport: 0, delaySinceLastSenderReport: 0) == nil)
        // Through a clock mapping: now maps to 46864.5 s.
        let clock = NTPClock(referenceInstant: .zero, referenceNTP: UInt64(46_864) << 32 | 0x8000_0000)
        let block = ReportBlock(ssrc: SSRC(1), fractionLost: 0, cumulativeLost: 0, extendedHighestSequenceNumber: 0,
                                jitter: 0, lastSenderReport: 0xB705_2000, delaySinceLastSenderReport: 0x0005_4000)
        #expect(clock.compactNTP(at: .zero) == 0xB710_8000)
        #expect(clock.roundTripTime(from: block, now: .zero) == .milliseconds(6125))
    }

    @Test func senderReportFromStatistics() throws {
        var stats = SenderStatistics(ssrc: SSRC(77), clockRate: 90_000)
        #expect(!stats.hasSent)
        for seq: UInt16 in 0..<3 {
            let payload = [UInt8](repeating: 1, count: 100)
            stats.packetSent(RTPPacket(payloadType: MediaTestSupport.vp8Type, sequenceNumber: seq, timestamp: 9000,
                                       ssrc: SSRC(77), payload: payload[...]), captureTime: .milliseconds(100))
        }
        let clock = NTPClock(referenceInstant: .zero, referenceNTP: UInt64(3_900_000_000) << 32)
        let report = stats.makeSenderReport(now: .milliseconds(200), clock: clock)
        #expect(report.rtpTimestamp == 18_000)
        #expect(report.ntpTimestamp == UInt64(3_900_000_000) << 32 | 858_993_459)
        #expect(report.packetCount == 3 && report.octetCount == 300)
        var writer = ByteWriter()
        report.encode(into: &writer)
        #expect(try SenderReport(parsing: writer.bytes[...]) == report)
        var receiver = ReceiverStatistics(ssrc: SSRC(77), clockRate: 90_000)
        receiver.packetReceived(sequenceNumber: 0, rtpTimestamp: 0, arrival: .zero)
        let rr = ReceiverReport(ssrc: SSRC(1), reports: [receiver.makeReportBlock(now: .zero)])
        var rrWriter = ByteWriter()
        rr.encode(into: &rrWriter)
        #expect(try ReceiverReport(parsing: rrWriter.bytes[...]) == rr)
    }

    @Test func timeMapperAcrossTimestampWrap() {
        var mapper = RTPTimeMapper(clockRate: 90_000)
        #expect(mapper.ntpTimestamp(forRTP: 0) == nil)
        mapper.update(ntpTimestamp: UInt64(1000) << 32, rtpTimestamp: 0xFFFF_FFFF - 89_999)
        #expect(mapper.ntpTimestamp(forRTP: (0xFFFF_FFFF - 89_999) &+ 180_000) == UInt64(1002) << 32)
        #expect(mapper.ntpTimestamp(forRTP: (0xFFFF_FFFF - 89_999) &- 45_000) == UInt64(999) << 32 | 0x8000_0000)
    }

    @Test func schedulerRandomizesWithinBounds() {
        var generator = SeededGenerator(seed: 11)
        var scheduler = RTCPScheduler(interval: .seconds(1))
        #expect(scheduler.nextDeadline() == nil)
        scheduler.start(now: .zero, using: &generator)
        #expect(scheduler.nextDeadline()! <= .milliseconds(750))
        for _ in 0..<50 {
            let now = scheduler.nextDeadline()!
            #expect(scheduler.isDue(now: now))
            scheduler.reportSent(now: now, using: &generator)
            let gap = scheduler.nextDeadline()! - now
            #expect(gap >= .milliseconds(500) && gap <= .milliseconds(1500))
        }
    }

    @Test func keyframeRequesterRepeatsUntilKeyframe() {
        var requester = KeyframeRequester(senderSSRC: SSRC(1), mediaSSRC: SSRC(2))
        #expect(requester.pollRequest(now: .zero) == nil)
        requester.requestKeyframe()
        #expect(requester.pollRequest(now: .zero) == PictureLossIndication(senderSSRC: SSRC(1), mediaSSRC: SSRC(2)))
        #expect(requester.pollRequest(now: .milliseconds(299)) == nil)
        #expect(requester.nextDeadline() == .milliseconds(300))
        #expect(requester.pollRequest(now: .milliseconds(300)) != nil)
        requester.keyframeReceived()
        #expect(requester.pollRequest(now: .milliseconds(900)) == nil && requester.nextDeadline() == nil)
        var tracker = KeyframeRequestTracker(mediaSSRC: SSRC(2))
        let other = tracker.handle(.pictureLossIndication(.init(senderSSRC: SSRC(1), mediaSSRC: SSRC(3))))
        #expect(!other && !tracker.keyframeRequested)
        let ours = tracker.handle(.pictureLossIndication(.init(senderSSRC: SSRC(1), mediaSSRC: SSRC(2))))
        #expect(ours)
        #expect(tracker.keyframeRequested)
    }
}
