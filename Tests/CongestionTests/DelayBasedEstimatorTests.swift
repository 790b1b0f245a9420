import Testing
import Wire
@testable import Congestion

@Suite struct DelayBasedEstimatorTests {
    /// Whether a grouping step yielded nothing (keeps the mutating call out of the #expect macro).
    private func isNil(_ delta: InterArrivalGrouping.Delta?) -> Bool { delta == nil }

    /// Feeds 5 ms-spaced single-packet groups whose arrival spacing is the send spacing plus `extraMs(i)`;
    /// returns the signals seen.
    private func run(groups: Int, extraMs: (Int) -> Double) -> (signals: [BandwidthUsage], trend: Double) {
        var estimator = DelayBasedEstimator(startBitrate: 1_000_000, minBitrate: 30_000, maxBitrate: 5_000_000)
        var arrivalMs = 100.0
        var signals: [BandwidthUsage] = []
        for index in 0..<groups {
            let send = Instant.milliseconds(Int64(index) * 10)
            arrivalMs += 10 + extraMs(index)
            let arrival = Instant(nanoseconds: Int64(arrivalMs * 1_000_000))
            if estimator.add(sendTime: send, arrival: arrival, size: 1_200) { signals.append(estimator.usage) }
        }
        return (signals, estimator.trendline.modifiedTrend)
    }

    @Test func groupsAreFiveMillisecondSendBursts() {
        var grouping = InterArrivalGrouping()
        // Three packets within 5 ms form one group; the next group closes it only when a third group starts.
        #expect(isNil(grouping.add(sendTime: .milliseconds(0), arrival: .milliseconds(50), size: 100)))
        #expect(isNil(grouping.add(sendTime: .milliseconds(2), arrival: .milliseconds(52), size: 100)))
        #expect(isNil(grouping.add(sendTime: .milliseconds(5), arrival: .milliseconds(55), size: 100)))
        #expect(isNil(grouping.add(sendTime: .milliseconds(20), arrival: .milliseconds(71), size: 200)))
        let delta = grouping.add(sendTime: .milliseconds(40), arrival: .milliseconds(93), size: 100)
        #expect(delta?.sendDelta == .milliseconds(15))
        #expect(delta?.arrivalDelta == .milliseconds(16))
        #expect(delta?.sizeDelta == -100)
    }

    @Test func burstArrivingTogetherAfterAPauseIsOneGroup() {
        var grouping = InterArrivalGrouping()
        _ = grouping.add(sendTime: .milliseconds(0), arrival: .milliseconds(100), size: 100)
        // Sent 10 ms apart but released together by the network: negative variation, within 5 ms of arrival.
        #expect(isNil(grouping.add(sendTime: .milliseconds(10), arrival: .milliseconds(101), size: 100)))
        #expect(isNil(grouping.add(sendTime: .milliseconds(20), arrival: .milliseconds(102), size: 100)))
        let delta = grouping.add(sendTime: .milliseconds(40), arrival: .milliseconds(140), size: 100)
        #expect(delta == nil)  // the first group (3 packets) has no predecessor
    }

    @Test func growingQueueIsDetectedAsOveruse() {
        // Every 10 ms group arrives 1 ms later than the last: a queue growing at 10%.
        let (signals, trend) = run(groups: 60, extraMs: { _ in 1 })
        #expect(signals.contains(.overusing))
        #expect(trend > 12.5)
    }

    @Test func flatQueueWithJitterIsNormal() {
        // ±2 ms alternating noise around a constant delay: no trend.
        let (signals, trend) = run(groups: 200, extraMs: { $0 % 2 == 0 ? 2 : -2 })
        #expect(!signals.contains(.overusing))
        #expect(abs(trend) < 6)
    }

    @Test func drainingQueueIsUnderuse() {
        let (signals, _) = run(groups: 60, extraMs: { _ in -1 })
        #expect(signals.last == .underusing)
    }

    @Test func adaptiveThresholdFollowsTheDraftGains() {
        var detector = OveruseDetector()
        // Below the threshold it decays with K_d per millisecond: 12.5 + 0.00018 × (0 − 12.5) × 10.
        detector.detect(trend: 0, sendDeltaMs: 10, nowMs: 0)
        detector.detect(trend: 0, sendDeltaMs: 10, nowMs: 10)
        #expect(abs(detector.threshold - (12.5 - 0.00018 * 12.5 * 10)) < 1e-9)
        // Above it (but within 15 ms) it grows with K_u.
        let before = detector.threshold
        detector.detect(trend: before + 10, sendDeltaMs: 10, nowMs: 20)
        #expect(abs(detector.threshold - (before + 0.01 * 10 * 10)) < 1e-9)
        // An outlier far above is ignored.
        let settled = detector.threshold
        detector.detect(trend: settled + 100, sendDeltaMs: 10, nowMs: 30)
        #expect(detector.threshold == settled)
    }

    @Test func trendlineSlopeOfASteadyRamp() {
        var trendline = TrendlineEstimator()
        var trend = 0.0
        // Each 10 ms group arrives 1 ms later than sent relative to the last: delay grows 0.1 ms per ms.
        for index in 1...100 {
            trend = trendline.update(sendDeltaMs: 10, arrivalDeltaMs: 11, arrivalMs: Double(index) * 11)
        }
        // The fit is over arrival time (11 ms per group): 1 / 11 per ms, times 60 deltas and gain 4.
        #expect(abs(trendline.slope - 1.0 / 11) < 0.001)
        #expect(abs(trend - 60 * 4 / 11.0) < 0.3)
    }
}
