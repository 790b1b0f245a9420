import Testing
import Wire
@testable import Congestion

@Suite struct LossBasedControllerTests {
    /// One evaluation period with `lost` of 100 packets.
    private func evaluate(lost: Int, start: Int = 1_000_000, delayBased: Int = 1_000_000) -> LossBasedController {
        var controller = LossBasedController(startBitrate: start)
        controller.report(lost: 0, total: 1, delayBasedEstimate: delayBased, ackedBitrate: nil, now: .zero)
        controller.report(lost: lost, total: 99, delayBasedEstimate: delayBased, ackedBitrate: nil,
                          now: .seconds(1))
        return controller
    }

    @Test(arguments: [(0, 1_050_000), (1, 1_050_000), (2, 1_000_000), (5, 1_000_000), (10, 1_000_000),
                      (11, 945_000), (20, 900_000), (50, 750_000)])
    func draftThresholds(lost: Int, expected: Int) {
        let controller = evaluate(lost: lost)
        #expect(abs(controller.estimate - expected) <= 1, "\(lost)% loss → \(controller.estimate)")
        #expect(abs(controller.lossFraction - Double(lost) / 100) < 1e-9)
    }

    @Test func lowLossFollowsAHigherDelayBasedEstimate() {
        let controller = evaluate(lost: 0, start: 500_000, delayBased: 2_000_000)
        #expect(controller.estimate == 2_000_000)
    }

    @Test func decreaseStartsFromTheLowerDelayBasedEstimate() {
        let controller = evaluate(lost: 20, start: 2_000_000, delayBased: 500_000)
        #expect(controller.estimate == 450_000)
    }

    @Test func tooFewPacketsOrTooShortAPeriodWaits() {
        var controller = LossBasedController(startBitrate: 1_000_000)
        controller.report(lost: 5, total: 10, delayBasedEstimate: 1_000_000, ackedBitrate: nil, now: .zero)
        controller.report(lost: 5, total: 5, delayBasedEstimate: 1_000_000, ackedBitrate: nil, now: .seconds(2))
        #expect(controller.estimate == 1_000_000)  // only 15 packets
        controller.report(lost: 5, total: 10, delayBasedEstimate: 1_000_000, ackedBitrate: nil,
                          now: .milliseconds(2_500))
        #expect(abs(controller.estimate - 700_000) <= 1)  // 15 of 25 lost, over 2.5 s: × (1 − 0.3)
    }
}
