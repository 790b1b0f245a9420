import Testing
import RTP
import Wire
@testable import Congestion

@Suite struct ProbeTests {
    @Test func initialProbesAtThreeAndSixTimesTheStartRate() {
        var controller = CongestionController(now: .zero)
        let first = controller.pollProbe()
        let second = controller.pollProbe()
        #expect(first?.bitrate == 900_000)
        #expect(second?.bitrate == 1_800_000)
        let third = controller.pollProbe()
        #expect(third == nil)
        #expect(first?.id != second?.id)
    }

    @Test func exponentialProbingContinuesWhileResultsReachSeventyPercent() {
        var controller = ProbeController(maxBitrate: 10_000_000)
        controller.start(startBitrate: 300_000, now: .zero)
        let clusters = [controller.pollProbe(), controller.pollProbe()].compactMap { $0 }
        #expect(clusters.count == 2)
        controller.probeResult(clusterID: clusters[1].id, bitrate: 1_700_000, now: .milliseconds(200))
        let exponential = controller.pollProbe()
        #expect(exponential?.bitrate == 3_400_000)
        // A result well under its target ends it.
        controller.probeResult(clusterID: clusters[1].id + 1, bitrate: 2_000_000, now: .milliseconds(400))
        let none = controller.pollProbe()
        #expect(none == nil)
    }

    /// A path narrower than the maximum still delivers 70% of a probe capped there: the probe must not repeat
    /// on each result (it did, twice a second, and its padding filled a 2 Mbit/s link's queue).
    @Test func exponentialProbingStopsOnceCappedAtTheMaximum() {
        var controller = ProbeController(maxBitrate: 2_500_000)
        controller.start(startBitrate: 300_000, now: .zero)
        let clusters = [controller.pollProbe(), controller.pollProbe()].compactMap { $0 }
        controller.probeResult(clusterID: clusters[1].id, bitrate: 1_700_000, now: .milliseconds(200))
        let capped = controller.pollProbe()
        #expect(capped?.bitrate == 2_500_000)
        // 2 Mbit/s through a 2 Mbit/s path is 80% of the capped probe: exponential probing is over anyway.
        controller.probeResult(clusterID: capped?.id ?? 0, bitrate: 2_000_000, now: .milliseconds(400))
        let again = controller.pollProbe()
        #expect(again == nil)
    }

    @Test func periodicProbesInALRAndAfterAQuietPeriod() throws {
        var controller = ProbeController(maxBitrate: 10_000_000)
        controller.start(startBitrate: 300_000, now: .zero)
        while controller.pollProbe() != nil {}
        // Waiting for the second result for up to 1 s, then ALR probing every 5 s.
        #expect(controller.nextDeadline(applicationLimited: true) == .seconds(1))
        controller.handleTimeout(now: .seconds(1), estimate: 500_000, applicationLimited: true)
        let early = controller.pollProbe()
        #expect(early == nil)
        #expect(controller.nextDeadline(applicationLimited: true) == .seconds(5))
        controller.handleTimeout(now: .seconds(5), estimate: 500_000, applicationLimited: true)
        let polled = controller.pollProbe()
        let periodic = try #require(polled)
        #expect(periodic.bitrate == 1_000_000)
        // Its result falls short of 70%: no exponential follow-up.
        controller.probeResult(clusterID: periodic.id, bitrate: 600_000, now: .milliseconds(5_200))
        #expect(!controller.hasPendingProbe)
        // Outside ALR: every 3 s of a normal delay signal.
        controller.usage(.overusing, now: .seconds(6))
        #expect(controller.nextDeadline(applicationLimited: false) == .seconds(9))
    }

    @Test func clusterThroughABottleneckMeasuresTheBottleneck() throws {
        var log = SentPacketLog()
        var estimator = ProbeBitrateEstimator()
        let cluster = ProbeCluster(id: 1, bitrate: 4_000_000)
        var arrivals: [Int64?] = []
        var linkFree = 0.0
        // 10 packets of 1000 bytes sent at 4 Mbit/s (2 ms apart) through a 1 Mbit/s link (8 ms each).
        for index in 0..<10 {
            let send = Double(index) * 2
            _ = log.recordSent(size: 1_000, kind: .padding, probeClusterID: 1,
                               now: Instant(nanoseconds: Int64(send * 1_000_000)))
            estimator.packetSent(cluster: cluster, now: Instant(nanoseconds: Int64(send * 1_000_000)))
            linkFree = max(linkFree, send) + 8
            arrivals.append(Int64((linkFree + 20) * 1_000))
        }
        let feedback = TransportFeedback(senderSSRC: SSRC(1), mediaSSRC: SSRC(2), feedbackPacketCount: 0,
                                         baseSequenceNumber: 0, arrivalTimesMicroseconds: arrivals)
        let results = log.handle(try #require(feedback))
        let measured = estimator.handle(results, now: .milliseconds(150))
        #expect(measured.count == 1)
        let rate = measured.first?.bitrate ?? 0
        // 0.95 × 1 Mbit/s: the bottleneck, a little under.
        #expect(rate > 900_000 && rate < 1_000_000, "measured \(rate)")
    }
}
