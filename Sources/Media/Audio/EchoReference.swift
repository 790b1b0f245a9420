import Synchronization
import Wire

/// What the speaker played, kept by the time each sample left the speaker, so the echo canceller gets the far-end
/// samples that were sounding while the microphone recorded a frame: the reference stays aligned however the
/// playback and capture threads happen to be scheduled.
///
/// The playback thread calls `played(_:at:)` with each period it wrote and the monotonic time its first sample
/// will be heard (now plus what the device still has queued). The capture path calls `reference(count:at:)` with
/// the time its frame's first sample was recorded; it gets the samples that were heard from `lead` earlier on (so
/// the echo, which comes after the sound, always lags the reference by `lead` plus the acoustic path: well inside
/// the canceller's tail). Times not covered (before playback started, gaps after an underrun) read as silence. One
/// second is kept. Thread-safe.
public final class EchoReference: Sendable {
    private struct State {
        /// Samples heard, the first at `start`.
        var samples: [Int16] = []
        var start: Instant?
        /// Where the next microphone frame should start if the microphone runs on without a break.
        var nextCapture: Instant?
    }

    private let state = Mutex(State())
    /// How much earlier than the capture time the reference starts.
    public let lead: Duration
    private static let keptSamples = 48_000
    /// How far (in samples) a period's time may stray from following on: 40 ms.
    private static let tolerance = 1920

    /// A reference that leads the microphone by `lead` (10 ms unless told).
    public init(lead: Duration = .milliseconds(10)) { self.lead = lead }

    /// `samples` (48 kHz mono) will be heard from `time` on.
    public func played(_ samples: [Int16], at time: Instant) {
        state.withLock { state in
            guard let start = state.start else {
                state.start = time
                state.samples = samples
                return
            }
            let expected = Self.offset(of: time, from: start)
            let end = state.samples.count
            // A device plays its periods back to back: within 40 ms of the end of what is kept, the period simply
            // follows (the playback thread's clock readings wobble, by more on a loaded machine). A later one
            // follows a gap of silence (an underrun); one much earlier, or a second late, restarts the timeline.
            if expected < end - Self.tolerance || expected > end + Self.keptSamples {
                state.start = time
                state.samples = samples
                return
            }
            if expected > end + Self.tolerance { state.samples += [Int16](repeating: 0, count: expected - end) }
            state.samples += samples
            if state.samples.count > Self.keptSamples {
                let excess = state.samples.count - Self.keptSamples
                state.samples.removeFirst(excess)
                state.start = start + .nanoseconds(Int64(excess) * 1_000_000_000 / 48_000)
            }
        }
    }

    /// The `count` samples heard from `time - lead` on (silence where nothing is known). Microphone frames follow
    /// each other too: a `time` within 40 ms of where the previous frame ended is taken as that point (capture
    /// timestamps wobble with the capture thread's scheduling; the samples do not).
    public func reference(count: Int, at time: Instant) -> [Int16] {
        state.withLock { state in
            var time = time
            if let next = state.nextCapture, abs(Self.offset(of: time, from: next)) <= Self.tolerance { time = next }
            state.nextCapture = time + .nanoseconds(Int64(count) * 1_000_000_000 / 48_000)
            guard let start = state.start else { return [Int16](repeating: 0, count: count) }
            let first = Self.offset(of: time - lead, from: start)
            return (first..<first + count).map { index in
                index >= 0 && index < state.samples.count ? state.samples[index] : 0
            }
        }
    }

    /// Samples (48 kHz) from `start` to `time`, rounded to the nearest.
    private static func offset(of time: Instant, from start: Instant) -> Int {
        let nanoseconds = (time - start).components.seconds * 1_000_000_000
            + (time - start).components.attoseconds / 1_000_000_000
        return Int((Double(nanoseconds) * 48 / 1_000_000).rounded())
    }
}
