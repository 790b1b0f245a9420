import Testing
import Wire
@testable import Congestion

@Suite struct PacerTests {
    /// Runs the pacer at its deadlines until `end`; returns (time, output) pairs.
    private func drive(_ pacer: inout Pacer<Int>, from start: Instant, until end: Instant)
        -> [(Instant, Pacer<Int>.Output)] {
        var sent: [(Instant, Pacer<Int>.Output)] = []
        var now = start
        while now <= end {
            pacer.handleTimeout(now: now)
            while let output = pacer.pollOutput() { sent.append((now, output)) }
            guard let deadline = pacer.nextDeadline() else { break }
            now = max(deadline, now + .microseconds(100))
        }
        return sent
    }

    @Test func burstsAreFiveMillisecondsApartAtThePacingRate() {
        var pacer = Pacer<Int>(pacingRate: 1_000_000)  // 625 bytes per 5 ms
        for index in 0..<100 { pacer.enqueue(index, size: 500, kind: .video, now: .zero) }
        let sent = drive(&pacer, from: .zero, until: .seconds(2))
        #expect(sent.count == 100)
        let times = Array(Set(sent.map(\.0))).sorted()
        let gaps = zip(times.dropFirst(), times).map { ($0 - $1).milliseconds }
        #expect(gaps.allSatisfy { $0 >= 5 - 1e-9 }, "gaps \(gaps.prefix(5))")
        // 50 000 bytes at 1 Mbit/s take 400 ms.
        let duration = (times.last! - times.first!).milliseconds
        #expect(duration > 380 && duration < 420, "took \(duration) ms")
        // Order within a kind is kept.
        let order = sent.compactMap { if case .send(let id, _, _, _) = $0.1 { id } else { nil } }
        #expect(order == Array(0..<100))
    }

    @Test func audioThenRetransmissionsThenVideo() {
        var pacer = Pacer<Int>(pacingRate: 100_000)  // 62 bytes per 5 ms: one packet per burst
        pacer.enqueue(1, size: 300, kind: .video, now: .zero)
        pacer.enqueue(2, size: 300, kind: .video, now: .zero)
        pacer.enqueue(3, size: 300, kind: .retransmission, now: .zero)
        pacer.enqueue(4, size: 100, kind: .audio, now: .zero)
        let sent = drive(&pacer, from: .zero, until: .seconds(1))
        let kinds = sent.compactMap { if case .send(let id, _, let kind, _) = $0.1 { (id, kind) } else { nil } }
        #expect(kinds.map(\.0) == [4, 3, 1, 2])
        #expect(pacer.queuedPackets == 0 && pacer.queuedBytes == 0)
    }

    /// Run at its own deadlines (as the runtime and the simulator do), a probing pacer's deadline always moves on:
    /// a deadline rounded down to the instant it was computed at would be run again and again at that instant.
    @Test func aProbesDeadlineAlwaysMovesOn() {
        for bitrate in [333_333, 900_000, 1_800_000, 2_500_000] {
            var pacer = Pacer<Int>(pacingRate: 750_000)
            pacer.startProbe(ProbeCluster(id: 1, bitrate: bitrate), now: .milliseconds(3))
            var now = Instant.milliseconds(3), steps = 0
            while let due = pacer.nextDeadline(), steps < 1_000 {
                #expect(due > now || steps == 0, "bitrate \(bitrate): deadline \(due) at \(now)")
                now = max(now, due)
                pacer.handleTimeout(now: now)
                while pacer.pollOutput() != nil {}
                steps += 1
            }
            #expect(steps < 1_000, "the probe ended")
        }
    }

    @Test func probeUsesQueuedMediaThenAsksForPadding() {
        var pacer = Pacer<Int>(pacingRate: 100_000)
        pacer.enqueue(1, size: 1_000, kind: .video, now: .zero)
        let cluster = ProbeCluster(id: 7, bitrate: 2_000_000)  // 30 ms at 2 Mbit/s: 7500 bytes, 5+ packets
        pacer.startProbe(cluster, now: .zero)
        let sent = drive(&pacer, from: .zero, until: .milliseconds(200))
        var bytes = 0
        var paddings = 0
        var probeTimes: [Instant] = []
        for (time, output) in sent {
            switch output {
            case .send(_, let size, _, let id):
                #expect(id == 7)
                bytes += size
                probeTimes.append(time)
            case .padding(let size, let id):
                #expect(id == 7)
                bytes += size
                paddings += 1
                probeTimes.append(time)
            }
        }
        #expect(bytes >= cluster.minBytes)
        #expect(paddings >= 4)
        // Sent at about the probe rate: 7500 bytes at 2 Mbit/s is 30 ms.
        let span = (probeTimes.last! - probeTimes.first!).milliseconds
        #expect(span > 20 && span < 40, "probe took \(span) ms")
        #expect(pacer.nextDeadline() == nil)
    }

    @Test func aLongQueueDrainsWithinTheQueueTimeLimit() {
        var pacer = Pacer<Int>(pacingRate: 50_000)
        for index in 0..<100 { pacer.enqueue(index, size: 1_000, kind: .video, now: .zero) }
        let sent = drive(&pacer, from: .zero, until: .seconds(5))
        // 800 kbit at 50 kbit/s would take 16 s; the 2 s limit speeds it up.
        #expect(sent.count == 100)
        #expect(sent.last!.0 <= .milliseconds(2_100))
    }
}
