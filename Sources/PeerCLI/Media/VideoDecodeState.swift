import Media
import MediaSession
import PeerRuntime
import Wire

/// What the decoder thread measured for one frame.
struct VideoDecodeOutcome: Sendable {
    var decoded: Bool
    /// CPU seconds the decode took on the decoder thread.
    var decodeSeconds: Double
    /// When it was decoded (the decoder thread reads the clock, as device threads do).
    var decodedAt: Instant
    var rtpTimestamp: UInt32
    /// Capture to decode of a test-pattern frame sent from this host, in milliseconds.
    var latencyMs: Double?
    /// PSNR against the test-pattern frame the sender drew (same size, number and time).
    var psnr: Double?
}

/// The decoder thread's own state: the VP8 decoder and the test pattern regenerated to compare with.
struct VideoDecodeState {
    private let decoder = try? VP8Decoder()
    private var remotePattern: TestPatternSource?
    /// Where decoded pictures go besides the measurements (the call window), called on the decoder thread.
    let decodedVideo: (@Sendable (VideoFrame) -> Void)?

    init(decodedVideo: (@Sendable (VideoFrame) -> Void)? = nil) {
        self.decodedVideo = decodedVideo
    }

    /// Decodes one frame and measures it (frame number and capture time read from the test pattern's code).
    mutating func decode(_ job: VideoDecodeRequest) -> VideoDecodeOutcome {
        let started = processThreadCPU()
        let decoded = try? decoder?.decode(job.frame)
        let now = RuntimeClock.now()
        var outcome = VideoDecodeOutcome(decoded: decoded != nil, decodeSeconds: processThreadCPU() - started,
                                         decodedAt: now, rtpTimestamp: job.rtpTimestamp)
        if let decoded { decodedVideo?(decoded) }
        guard let picture = decoded, let (shown, number, captureTime) = Self.readPattern(picture) else {
            return outcome
        }
        // The capture time is the sender's monotonic clock: comparable with ours on the same host only, so a
        // value outside 0...10 s (another host) is not a latency.
        let latency = (now - captureTime).milliseconds
        if (0...10_000).contains(latency) { outcome.latencyMs = latency }
        guard shown.width >= 320, shown.height >= 240, shown.width % 2 == 0, shown.height % 2 == 0 else {
            return outcome
        }
        if remotePattern?.width != shown.width || remotePattern?.height != shown.height {
            // Whether the sender drew the noise patch is not in the picture's code: the reference that matches
            // better says, and is kept.
            let plain = TestPatternSource(width: shown.width, height: shown.height)
            let noisy = TestPatternSource(width: shown.width, height: shown.height, noise: true)
            let psnrPlain = Quality.psnr(reference: plain.frame(number: number, captureTime: captureTime), decoded: shown)
            let psnrNoisy = Quality.psnr(reference: noisy.frame(number: number, captureTime: captureTime), decoded: shown)
            remotePattern = psnrNoisy > psnrPlain ? noisy : plain
        }
        if let reference = remotePattern?.frame(number: number, captureTime: captureTime) {
            outcome.psnr = Quality.psnr(reference: reference, decoded: shown)
        }
        return outcome
    }

    /// The test pattern's frame number and capture time, read from `picture` as it is or, when congestion
    /// control had the sender scale it down, from the picture scaled back up by 2 or 4 (as a window would show
    /// it); returns the picture it was read from, the one PSNR is measured on.
    static func readPattern(_ picture: VideoFrame) -> (VideoFrame, UInt32, Instant)? {
        if let (number, time) = TestPatternReader.read(picture) { return (picture, number, time) }
        for factor in [2, 4] where picture.width * factor <= 1920 {
            let shown = VideoScaler.scale(picture, width: picture.width * factor, height: picture.height * factor)
            if let (number, time) = TestPatternReader.read(shown) { return (shown, number, time) }
        }
        return nil
    }
}
