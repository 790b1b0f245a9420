import Testing
import Wire
@testable import Media

/// The adaptive audio jitter buffer on a virtual clock: packets of 20 ms arrive with a given jitter, the device
/// pulls 20 ms every 20 ms.
@Suite struct AudioJitterBufferTests {
    /// A deterministic generator (SplitMix64) for arrival jitter.
    struct Seeded {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    /// Runs `seconds` of audio: packet `n` (a ramp of sample values n*960...) arrives at n*20 ms + jitter(n) (never
    /// before the previous one), pulls every 20 ms from `pullStart`. Returns the buffer and what was played.
    static func run(seconds: Int, jitterMs: (Int) -> Double, pullStart: Int64 = 0,
                    missing: Range<Int> = 0..<0) -> (buffer: AudioJitterBuffer, played: [Int16], levels: [Double]) {
        var buffer = AudioJitterBuffer()
        let packets = seconds * 50
        var arrivals: [Int64] = []
        var last: Int64 = 0
        for n in 0..<packets {
            let at = max(last, Int64(n) * 20_000_000 + Int64(jitterMs(n) * 1_000_000))
            arrivals.append(at)
            last = at
        }
        var played: [Int16] = []
        var levels: [Double] = []
        var next = 0
        var pullAt = pullStart * 1_000_000
        while pullAt <= Int64(packets) * 20_000_000 + 500_000_000 {
            while next < packets, arrivals[next] <= pullAt {
                if !missing.contains(next) {
                    let samples = (0..<960).map { Int16(truncatingIfNeeded: (next * 960 + $0) % 30_000 + 1) }
                    buffer.push(samples, rtpTimestamp: UInt32(next * 960), arrival: Instant(nanoseconds: arrivals[next]))
                }
                next += 1
            }
            played += buffer.pull(960)
            levels.append(buffer.levelMs)
            pullAt += 20_000_000
        }
        return (buffer, played, levels)
    }

    @Test func steadyArrivalsPlayWithoutGapsAtTheMinimumDelay() {
        let (buffer, played, levels) = Self.run(seconds: 5, jitterMs: { _ in 0 }, pullStart: 3)
        #expect(buffer.underruns == 1)  // only the very end, when the packets stop
        #expect(buffer.targetMs <= buffer.minimumTargetMs + 20)  // the end's underrun adds 20 ms
        #expect(buffer.samplesDropped == 0)
        // Everything pushed was played, in order, once playback started.
        let audio = played.filter { $0 != 0 }
        #expect(audio.count == 250 * 960)
        #expect(zip(audio, audio.dropFirst()).allSatisfy { $1 == $0 + 1 || $1 == 1 })
        let steady = levels[10..<240]
        #expect(steady.allSatisfy { $0 <= buffer.minimumTargetMs + 20 }, "levels \(steady.max() ?? 0)")
    }

    @Test func jitterRaisesTheTargetAndAvoidsUnderruns() {
        var random = Seeded(state: 7)
        // Up to 80 ms late, one packet in five by a lot: bursts after each late one.
        let (buffer, _, levels) = Self.run(seconds: 10, jitterMs: { n in
            let late = random.next()
            return n % 5 == 0 ? late * 80 : late * 10
        }, pullStart: 3)
        #expect(buffer.targetMs >= 70 && buffer.targetMs <= 120, "target \(buffer.targetMs) ms")
        // Underruns only while the target was still learning the jitter (the first second) and at the end.
        #expect(buffer.underruns <= 4, "underruns \(buffer.underruns)")
        let mean = levels[100..<480].reduce(0, +) / 380
        print("jitter buffer under 0-80 ms jitter: target \(buffer.targetMs) ms, mean level \(mean) ms, " +
              "underruns \(buffer.underruns)")
        #expect(mean < buffer.targetMs + 40)
    }

    @Test func anOutagePlaysSilenceAndRebuffers() {
        // 200 ms of packets never arrive (after concealment gave up): silence, one underrun, then audio again.
        let (buffer, played, _) = Self.run(seconds: 4, jitterMs: { _ in 0 }, missing: 100..<110)
        #expect(buffer.underruns == 2)  // the outage, and the end
        #expect(buffer.targetMs > buffer.minimumTargetMs)  // each underrun raised the target a little
        let silentRuns = played.split(separator: 1, omittingEmptySubsequences: true)
        #expect(!silentRuns.isEmpty)
        #expect(played.suffix(960 * 10).contains { $0 != 0 } || buffer.level == 0)
    }

    @Test func aBurstIsTrimmedBackToTheTarget() {
        var buffer = AudioJitterBuffer()
        // Half a second arrives at once (a stall upstream), then steady packets.
        for n in 0..<25 {
            buffer.push([Int16](repeating: 100, count: 960), rtpTimestamp: UInt32(n * 960),
                        arrival: Instant(nanoseconds: Int64(n)))
        }
        var clock: Int64 = 0
        var n = 25
        for _ in 0..<250 {
            clock += 20_000_000
            buffer.push([Int16](repeating: 100, count: 960), rtpTimestamp: UInt32(n * 960),
                        arrival: Instant(nanoseconds: 500_000_000 + clock))
            n += 1
            _ = buffer.pull(960)
        }
        #expect(buffer.samplesDropped > 0)
        #expect(buffer.levelMs <= buffer.targetMs + buffer.trimMarginMs + 20, "level \(buffer.levelMs) ms")
    }
}
