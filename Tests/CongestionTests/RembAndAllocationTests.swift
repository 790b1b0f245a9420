import Testing
import RTP
import Wire
@testable import Congestion

@Suite struct RembAndAllocationTests {
    @Test func rembEstimatorCutsOnAGrowingQueueAndReportsAtOnce() throws {
        var estimator = RembEstimator(startBitrate: 1_000_000)
        var reports: [Int] = []
        // 1 s at 1 Mbit/s through a 1 Mbit/s link, then the link halves: each 1200-byte packet queues.
        var linkFree = 0.0
        for index in 0..<1_000 {
            let sendMs = Double(index) * 9.6  // 1200 bytes at 1 Mbit/s
            let capacity = index < 100 ? 1_000_000.0 : 500_000.0
            linkFree = max(linkFree, sendMs) + 9_600 / capacity * 1_000
            let arrival = Instant(nanoseconds: Int64((linkFree + 30) * 1_000_000))
            estimator.record(sendTime: Instant(nanoseconds: Int64(sendMs * 1_000_000)), arrival: arrival,
                             size: 1_200)
            if let remb = estimator.pollRemb(now: arrival) { reports.append(remb) }
            if index == 600 { break }
        }
        #expect(reports.count >= 2)
        let last = try #require(reports.last)
        #expect(last < 600_000, "reports \(reports)")
        let packet = RembEstimator.makeRemb(senderSSRC: SSRC(9), bitrate: last, ssrcs: [SSRC(5)])
        #expect(abs(Double(packet.bitrate) - Double(last)) / Double(last) < 0.001)
    }

    @Test func incomingRembCapsTheTarget() {
        var controller = CongestionController(now: .zero)
        controller.handle(RembEstimator.makeRemb(senderSSRC: SSRC(1), bitrate: 120_000, ssrcs: []), now: .zero)
        #expect(controller.targetBitrate == 120_000)
        #expect(controller.pacingRate == 300_000)
    }

    @Test func absoluteSendTimeUnwrapsPastSixtyFourSeconds() {
        var unwrapper = AbsoluteSendTimeUnwrapper()
        let start = unwrapper.unwrap(0xFF_FF00)  // just under 64 s
        let later = unwrapper.unwrap(0x00_0100)  // 512 units (~1.95 ms) later, wrapped
        #expect((later - start) == .nanoseconds(Int64(512) * 1_953_125 / 512))
    }

    @Test func allocationServesAudioFirst() {
        let allocation = BitrateAllocation()
        #expect(allocation.split(target: 2_000_000) == (64_000, 1_936_000))
        #expect(allocation.split(target: 300_000) == (30_000, 270_000))
        #expect(allocation.split(target: 40_000) == (16_000, 0))
        #expect(allocation.opusLossSettings(lossFraction: 0.05) == (5, true))
    }

    @Test func ladderStepsDownAtOnceAndUpWithHysteresis() {
        var ladder = VideoLadder()
        var step = ladder.update(videoBitrate: 1_000_000, now: .zero)
        #expect(step.description == "640x480@30")
        step = ladder.update(videoBitrate: 290_000, now: .seconds(1))
        #expect(step.description == "320x240@30")
        // 400 kbit/s is above 300 but below 1.5 × 300: stays down.
        step = ladder.update(videoBitrate: 400_000, now: .seconds(2))
        #expect(step.description == "320x240@30")
        step = ladder.update(videoBitrate: 460_000, now: .seconds(3))
        #expect(step.description == "320x240@30")
        step = ladder.update(videoBitrate: 460_000, now: .seconds(5))
        #expect(step.description == "640x480@30")
        step = ladder.update(videoBitrate: 50_000, now: .seconds(6))
        #expect(step.description == "160x120@15")
    }
}
