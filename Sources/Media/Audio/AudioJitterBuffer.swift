import Wire

/// A simple adaptive jitter buffer for decoded 48 kHz mono PCM, between a network that delivers audio in bursts and
/// a sound device that takes it at a steady pace. Pure: the caller passes the arrival time of each push, so tests
/// drive it on a virtual clock.
///
/// Pushes append decoded (or concealed) samples in order, with their RTP timestamp (48 kHz clock). The arrival jitter
/// is the spread of `arrival - rtpTimestamp / 48 kHz` over the last two seconds (a gap in the timestamps, packets
/// lost for good, is not mistaken for jitter) (its 95th percentile above its minimum);
/// the target level is that spread plus one frame, kept in `minimumTargetMs...maximumTargetMs`, plus 20 ms for each
/// recent underrun (the reader, not the network, may be the one that stutters), which fades by 2 ms a second. A pull takes one
/// period: while buffering (at the start and after running dry) it plays silence until the target is reached; when
/// the level stays above the target plus a margin it drops a little (2.5 ms per pull, 10 ms while far above) to
/// bring the delay back down.
public struct AudioJitterBuffer: Sendable {
    /// The lowest target level, in milliseconds.
    public var minimumTargetMs = 40.0
    /// The highest target level, in milliseconds.
    public var maximumTargetMs = 300.0
    /// Levels above target + this margin are trimmed.
    public var trimMarginMs = 30.0

    private var samples: [Int16] = []
    private var readIndex = 0
    private var buffering = true
    /// (arrival in ns, extended RTP timestamp) for the jitter window.
    private var arrivals: [(arrival: Int64, position: Int64)] = []
    private var lastTimestamp: (raw: UInt32, extended: Int64)?
    /// Extra target after underruns, in samples.
    private var underrunBoost = 0
    private var spreadTarget = 40 * 48
    /// Target level in samples.
    public private(set) var targetSamples: Int
    /// Pulls that found the buffer dry after playback had started (each played silence).
    public private(set) var underruns = 0
    /// Samples dropped to bring the delay down, or because the buffer overflowed.
    public private(set) var samplesDropped = 0
    /// Samples played from the network (not silence).
    public private(set) var samplesPlayed = 0

    /// An empty buffer waiting for its first audio.
    public init() {
        targetSamples = Int(40.0 * 48)
    }

    /// Samples waiting to be played.
    public var level: Int { samples.count - readIndex }
    /// The waiting audio in milliseconds (the jitter buffer's share of the playout delay).
    public var levelMs: Double { Double(level) / 48 }
    /// The target level in milliseconds.
    public var targetMs: Double { Double(targetSamples) / 48 }

    /// Appends decoded samples with RTP timestamp `rtpTimestamp` that arrived at `arrival` (the receiver's clock).
    public mutating func push(_ pcm: [Int16], rtpTimestamp: UInt32, arrival: Instant) {
        guard !pcm.isEmpty else { return }
        let extended = lastTimestamp.map { $0.extended + Int64(Int32(bitPattern: rtpTimestamp &- $0.raw)) }
            ?? Int64(rtpTimestamp)
        lastTimestamp = (rtpTimestamp, extended)
        arrivals.append((arrival.nanoseconds, extended))
        let windowStart = arrival.nanoseconds - 2_000_000_000
        if let first = arrivals.firstIndex(where: { $0.arrival >= windowStart }), first > 0 {
            arrivals.removeFirst(first)
        }
        updateTarget()
        samples.append(contentsOf: pcm)
        // Never more than a second and a half waiting: an outage followed by a burst must not become lasting delay.
        let limit = 72_000
        if level > limit {
            let excess = level - limit
            readIndex += excess
            samplesDropped += excess
        }
        compact()
    }

    /// The next `count` samples to play: audio, silence while buffering, or audio with a little dropped when the
    /// level is well above the target.
    public mutating func pull(_ count: Int) -> [Int16] {
        if buffering {
            guard level >= targetSamples else { return [Int16](repeating: 0, count: count) }
            buffering = false
        }
        let margin = Int(trimMarginMs * 48)
        if level > targetSamples + margin + count {
            // 2.5 ms at a time (hardly audible); 10 ms at a time while more than 100 ms too much waits.
            let excess = level - targetSamples
            let trim = min(excess - margin, excess > margin + 4800 ? 480 : 120)
            readIndex += trim
            samplesDropped += trim
        }
        let available = min(count, level)
        var out = Array(samples[readIndex..<readIndex + available])
        readIndex += available
        samplesPlayed += available
        underrunBoost = max(0, underrunBoost - 2)
        if available < count {
            underruns += 1
            underrunBoost = min(underrunBoost + 960, 9600)
            updateTarget()
            buffering = true
            // Fade the last few samples out so the gap does not click, then silence.
            let fade = min(out.count, 48)
            for index in 0..<fade {
                let position = out.count - fade + index
                out[position] = Int16(Int(out[position]) * (fade - index) / fade)
            }
            out += [Int16](repeating: 0, count: count - available)
        }
        compact()
        return out
    }

    /// The target from the arrival spread over the window: 95th percentile of the relative delay plus 20 ms.
    private mutating func updateTarget() {
        if arrivals.count >= 2 {
            let delays = arrivals.map { $0.arrival - $0.position * 1_000_000_000 / 48_000 }
            if let minimum = delays.min() {
                let spreads = delays.map { $0 - minimum }.sorted()
                let p95 = spreads[min(spreads.count - 1, spreads.count * 95 / 100)]
                spreadTarget = Int((Double(p95) / 1e6 + 20) * 48)
            }
        }
        let target = max(Int(minimumTargetMs * 48), spreadTarget) + underrunBoost
        targetSamples = min(Int(maximumTargetMs * 48), target)
    }

    private mutating func compact() {
        if readIndex > 48_000 {
            samples.removeFirst(readIndex)
            readIndex = 0
        }
    }
}
