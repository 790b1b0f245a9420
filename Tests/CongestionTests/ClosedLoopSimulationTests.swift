import Testing
import Wire
@testable import Congestion

/// The controller, pacer and feedback generator in a closed loop over a simulated bottleneck (issue #11's
/// scenarios). Figures are printed so a run shows what was measured, not only that it passed.
@Suite struct ClosedLoopSimulationTests {
    @Test func stepDownAndBackUp() {
        // 2 Mbit/s, 300 kbit/s from 10 s, 2 Mbit/s again from 30 s; 25 ms each way.
        let capacity: (Instant) -> Int = { time in
            time >= .seconds(10) && time < .seconds(30) ? 300_000 : 2_000_000
        }
        var simulation = CallSimulation(link: BottleneckLink(capacity: capacity))
        simulation.run(until: .seconds(45))
        let phases: [(String, Instant, Instant)] = [
            ("start 2M", .zero, .seconds(10)), ("300k", .seconds(10), .seconds(30)),
            ("back to 2M", .seconds(30), .seconds(45)),
        ]
        for (name, from, to) in phases {
            let settle = simulation.settleTime(from: from, to: to)
            let mean = simulation.meanTargetFraction(from: from + .seconds(5), to: to)
            let inBand = simulation.fractionInBand(from: from + .seconds(5), to: to)
            let utilisation = simulation.utilisation(from: from + .seconds(5), to: to)
            print("step \(name): settled after \(settle.map { "\($0) s" } ?? "never"), mean target "
                + "\(percent(mean)) of capacity after 5 s, \(percent(inBand)) of samples in 80–100%, "
                + "goodput \(percent(utilisation)) of capacity")
        }
        let p95 = simulation.queueDelayPercentile(0.95)
        print("step: bottleneck queue delay p50 \(simulation.queueDelayPercentile(0.5)) ms, p95 \(p95) ms, "
            + "pacer delay p95 \(simulation.pacerDelayPercentile(0.95)) ms, drops \(simulation.link.dropped)")
        for (_, from, to) in phases {
            let settle = simulation.settleTime(from: from, to: to)
            #expect(settle != nil && settle! <= 5)
            #expect(simulation.meanTargetFraction(from: from + .seconds(5), to: to) >= 0.8)
            #expect(simulation.meanTargetFraction(from: from + .seconds(5), to: to) <= 1.0)
        }
        #expect(p95 < 200)
    }

    @Test func randomLossDoesNotCollapseTheRate() {
        var simulation = CallSimulation(link: BottleneckLink(capacity: { _ in 2_000_000 }, loss: 0.05, seed: 7))
        simulation.run(until: .seconds(30))
        let mean = simulation.meanTargetFraction(from: .seconds(5), to: .seconds(30))
        let lowest = simulation.samples.filter { $0.time >= .seconds(5) }.map(\.target).min() ?? 0
        print("5% loss: mean target \(percent(mean)) of 2 Mbit/s after 5 s, lowest \(lowest / 1_000) kbit/s, "
            + "loss measured \(percent(simulation.controller.lossFraction)), "
            + "queue p95 \(simulation.queueDelayPercentile(0.95)) ms")
        #expect(mean >= 0.7)
        #expect(lowest >= 1_000_000)
        #expect(simulation.queueDelayPercentile(0.95) < 200)
    }

    @Test func jitterDoesNotCollapseTheRate() {
        let link = BottleneckLink(capacity: { _ in 2_000_000 }, jitter: .milliseconds(30), seed: 11)
        var simulation = CallSimulation(link: link)
        simulation.run(until: .seconds(30))
        let mean = simulation.meanTargetFraction(from: .seconds(5), to: .seconds(30))
        let settle = simulation.settleTime(from: .zero, to: .seconds(30))
        print("30 ms jitter: settled after \(settle.map { "\($0) s" } ?? "never"), mean target \(percent(mean)) "
            + "of capacity after 5 s, queue p95 \(simulation.queueDelayPercentile(0.95)) ms")
        #expect(mean >= 0.7)
        #expect(simulation.queueDelayPercentile(0.95) < 200)
    }

    private func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
}
