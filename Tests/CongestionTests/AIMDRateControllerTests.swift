import Testing
import Wire
@testable import Congestion

@Suite struct AIMDRateControllerTests {
    @Test func farFromConvergenceGrowsEightPercentPerSecond() {
        var controller = AIMDRateController(startBitrate: 500_000)
        for step in 0...20 {
            controller.update(usage: .normal, ackedBitrate: nil, now: .milliseconds(Int64(step) * 50))
        }
        // One second of increase from 500 kbit/s: × 1.08.
        #expect(abs(Double(controller.estimate) - 540_000) < 3_000)
        #expect(controller.state == .increase)
    }

    @Test func overuseCutsToEightyFivePercentOfAcked() {
        var controller = AIMDRateController(startBitrate: 1_000_000)
        controller.update(usage: .normal, ackedBitrate: 900_000, now: .zero)
        controller.update(usage: .overusing, ackedBitrate: 800_000, now: .milliseconds(50))
        #expect(controller.estimate == 680_000)
        #expect(controller.state == .hold)
        #expect(controller.isNearConvergence)
        // A second over-use within a round trip does not cut again.
        controller.update(usage: .overusing, ackedBitrate: 600_000, now: .milliseconds(100))
        #expect(controller.estimate == 680_000)
    }

    @Test func nearConvergenceGrowsAdditively() {
        var controller = AIMDRateController(startBitrate: 1_000_000)
        controller.update(usage: .overusing, ackedBitrate: 1_000_000, now: .zero)
        let start = controller.estimate
        controller.update(usage: .normal, ackedBitrate: 850_000, now: .milliseconds(50))  // hold → increase
        for step in 2...21 {
            controller.update(usage: .normal, ackedBitrate: 850_000, now: .milliseconds(Int64(step) * 50))
        }
        let growth = controller.estimate - start
        // Half an average packet (4 per 33 ms frame at 850 kbit/s: ~7 kbit) per response time (100 ms + 100 ms
        // RTT), §5.5: ~18 kbit/s over a second, far below the 8% (~68 kbit/s) of multiplicative growth.
        #expect(growth > 12_000 && growth < 25_000, "grew \(growth)")
    }

    @Test func underuseHoldsAndIncreaseIsCappedByAckedRate() {
        var controller = AIMDRateController(startBitrate: 300_000)
        controller.update(usage: .underusing, ackedBitrate: 100_000, now: .zero)
        #expect(controller.state == .hold)
        for step in 1...100 {
            controller.update(usage: .normal, ackedBitrate: 100_000, now: .milliseconds(Int64(step) * 50))
        }
        // 1.5 × 100 kbit/s + 10 kbit/s is below the start, so the cap keeps it where it was.
        #expect(controller.estimate == 300_000)
    }

    @Test func aStandingQueueIsDrainedByADeeperCut() {
        var controller = AIMDRateController(startBitrate: 1_000_000)
        controller.standingQueueDelay = .milliseconds(600)
        controller.update(usage: .overusing, ackedBitrate: 800_000, now: .zero)
        // 0.85 − 0.5 × (0.6 s − 0.1 s) = 0.6 × the acknowledged rate.
        #expect(abs(controller.estimate - 480_000) <= 1)
        var bloated = AIMDRateController(startBitrate: 1_000_000)
        bloated.standingQueueDelay = .seconds(3)
        bloated.update(usage: .overusing, ackedBitrate: 800_000, now: .zero)
        #expect(bloated.estimate == 400_000)  // never below half
    }

    @Test func aLongStandingQueueCountsAsOveruseWhileTheTrendIsFlat() {
        var controller = AIMDRateController(startBitrate: 300_000)
        controller.standingQueueDelay = .milliseconds(300)
        controller.update(usage: .normal, ackedBitrate: 200_000, now: .zero)
        // Cut as for over-use, deeper for the 300 ms queue: (0.85 − 0.5 × 0.2) × 200 kbit/s.
        #expect(abs(controller.estimate - 150_000) <= 1)
        // Draining (under-use) is left alone.
        controller.update(usage: .underusing, ackedBitrate: 150_000, now: .seconds(1))
        #expect(abs(controller.estimate - 150_000) <= 1)
    }
}
