import Synchronization
import Wire

/// Received audio out of the speaker: decoded PCM goes into an `AudioJitterBuffer`, and a playback thread of its own
/// takes 20 ms at a time out of it and writes it to an ALSA PCM (opened through ALSA's `plug` layer by name, so
/// `default`, `plughw:1,0` or a user-defined PCM all convert rate and format as needed).
///
/// The device paces the thread (its writes block while its ring buffer is full); a PCM that does not pace itself
/// (`null`, a `file` plugin over `null`) is paced to the monotonic clock instead. Underruns of the device are
/// recovered by ALSA and counted; a dry jitter buffer plays silence and re-buffers. What was played goes into
/// `reference` (when given) with the time it will be heard, as the far-end signal for echo cancellation. `push` may
/// be called from any thread.
public final class AudioPlayout: Sendable {
    /// What playout measured so far.
    public struct Stats: Sendable, Equatable {
        /// The jitter buffer's level plus what the device has queued: how long a received sample waits to be heard.
        public var playoutDelayMs = 0.0
        /// The mean of `playoutDelayMs` over every period written while received audio was playing.
        public var meanPlayoutDelayMs = 0.0
        /// The jitter buffer's current target level.
        public var targetMs = 0.0
        /// Times the jitter buffer ran dry after playback had started.
        public var bufferUnderruns = 0
        /// Device underruns (ALSA xruns) recovered from.
        public var deviceUnderruns = 0
        /// Samples dropped to keep the delay down.
        public var samplesDropped = 0
        /// Samples of received audio played.
        public var samplesPlayed = 0
        /// One 20 ms period written to the device per count.
        public var periodsWritten = 0
    }

    /// The PCM name.
    public let device: String
    /// Where the played audio goes for echo cancellation, if anywhere.
    public let reference: EchoReference?
    private let buffer = Mutex(AudioJitterBuffer())
    private let measured = Mutex(Stats())
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    /// Opens `device` (mono, 48 kHz, S16) on a playback thread and starts playing silence until audio arrives;
    /// throws the device's error (missing, busy, forbidden) when it cannot be opened.
    public init(device: String = "default", reference: EchoReference? = nil) throws(DeviceError) {
        self.device = device
        self.reference = reference
        let opened = DeviceOpenResult()
        DeviceThread.start(name: "linkup speaker") { [self] in
            let playback: ALSAPlayback
            do throws(DeviceError) {
                playback = try ALSAPlayback(device: device, channels: 1, periods: 4)
            } catch {
                opened.report(error)
                finished.store(true, ordering: .releasing)
                return
            }
            opened.report(nil)
            run(playback)
            playback.close()
            finished.store(true, ordering: .releasing)
        }
        try opened.wait(what: "the speaker \"\(device)\"")
    }

    /// Decoded samples with their RTP timestamp that just arrived (the arrival time is read here).
    public func push(_ samples: [Int16], rtpTimestamp: UInt32) {
        let now = DeviceClock.now()
        buffer.withLock { $0.push(samples, rtpTimestamp: rtpTimestamp, arrival: now) }
    }

    /// The numbers so far.
    public var stats: Stats { measured.withLock { $0 } }

    /// Stops playing and closes the device (waits up to half a second for the thread).
    public func stop() {
        stopped.store(true, ordering: .releasing)
        let start = DeviceClock.now()
        while !finished.load(ordering: .acquiring), DeviceClock.now() - start < .milliseconds(500) {
            DeviceThread.sleep(.milliseconds(2))
        }
    }

    deinit { stopped.store(true, ordering: .releasing) }

    private func run(_ playback: ALSAPlayback) {
        let period = AudioFrame.samplesPerChannel20ms
        let bufferDuration = Duration.milliseconds(Int64(playback.bufferFrames * 1000 / AudioFrame.sampleRate))
        var scheduleStart = DeviceClock.now()
        var written: Int64 = 0
        var delaySum = 0.0, delayCount = 0
        while !stopped.load(ordering: .acquiring) {
            let (samples, level, target, underruns, dropped, played) = buffer.withLock { buffer in
                let samples = buffer.pull(period)
                return (samples, buffer.level, buffer.targetSamples, buffer.underruns, buffer.samplesDropped,
                        buffer.samplesPlayed)
            }
            do throws(DeviceError) {
                try playback.write(AudioFrame(samples: samples, channels: 1))
            } catch {
                break  // The device went away: stop playing; the call goes on.
            }
            // The period's first sample is heard once what was queued before it has played.
            let queuedBefore = max(0, playback.queuedFrames - period)
            let heardAt = DeviceClock.now() + .nanoseconds(Int64(queuedBefore) * 1_000_000_000 / 48_000)
            reference?.played(samples, at: heardAt)
            written += Int64(period)
            let xruns = playback.underruns
            measured.withLock { stats in
                if xruns > stats.deviceUnderruns { scheduleStart = DeviceClock.now(); written = 0 }
                stats.playoutDelayMs = Double(level + playback.queuedFrames) / 48
                if played > stats.samplesPlayed {
                    delaySum += stats.playoutDelayMs
                    delayCount += 1
                    stats.meanPlayoutDelayMs = delaySum / Double(delayCount)
                }
                stats.targetMs = Double(target) / 48
                stats.bufferUnderruns = underruns
                stats.deviceUnderruns = xruns
                stats.samplesDropped = dropped
                stats.samplesPlayed = played
                stats.periodsWritten += 1
            }
            // A PCM that does not block (null, file over null) would drain the buffer at once: never run more than
            // the device's buffer ahead of real time. A real device blocks first, so this never sleeps for it.
            let due = scheduleStart + .nanoseconds(written * 1_000_000_000 / Int64(AudioFrame.sampleRate))
            let ahead = due - DeviceClock.now() - bufferDuration
            if ahead > .zero { DeviceThread.sleep(ahead) }
        }
    }
}
