import Media
import MediaSession
import RTP
import Wire

/// What the codec threads measured of one call (the engine counts packets and frames; this counts what only
/// encoding and decoding know): decode results and quality, codec CPU, A/V sync. Shared behind a mutex by the
/// four codec threads and read by `CallMedia`.
struct MediaMeasurements: Sendable {
    var encodeSeconds = 0.0
    var decodeSeconds = 0.0
    var videoFramesDecoded = 0
    var psnrSum = 0.0
    var psnrCount = 0
    var latenciesMs: [Double] = []
    /// Audio frames decoded from their own packet, and filled in for lost ones (FEC or concealment).
    var audioFramesDecoded = 0
    var audioFramesConcealed = 0
    var audioPacketsLate = 0
    var snrSum = 0.0
    var snrCount = 0
    var firstVideoDecodedAt: Instant?
    var firstAudioDecodedAt: Instant?
    var sync = AVSyncEstimator()
    /// Every decoded frame, kept only when asked for (`CallMediaConfiguration.keepsFrameTimeline`): an hour of
    /// 30 fps is 2.6 MB, too much for every call of a bot.
    var frameTimeline: [DecodedFrameSample]?

    /// One decoded (or undecodable) video frame.
    mutating func videoDecoded(_ outcome: VideoDecodeOutcome, ntp: NTPClock) {
        decodeSeconds += outcome.decodeSeconds
        guard outcome.decoded else { return }
        videoFramesDecoded += 1
        if firstVideoDecodedAt == nil { firstVideoDecodedAt = outcome.decodedAt }
        sync.videoPlayed(rtpTimestamp: outcome.rtpTimestamp, localNTP: ntp.ntp(at: outcome.decodedAt))
        if let latency = outcome.latencyMs { latenciesMs.append(latency) }
        if let psnr = outcome.psnr {
            psnrSum += psnr
            psnrCount += 1
        }
        frameTimeline?.append(DecodedFrameSample(at: Double(outcome.decodedAt.nanoseconds) / 1e9,
                                                 latencyMs: outcome.latencyMs, psnr: outcome.psnr))
    }

    /// A sender report of the remote, for A/V sync.
    mutating func remoteSenderReport(_ report: RemoteSenderReport) {
        if report.kind == .video {
            sync.videoSenderReport(ntpTimestamp: report.ntpTimestamp, rtpTimestamp: report.rtpTimestamp)
        } else {
            sync.audioSenderReport(ntpTimestamp: report.ntpTimestamp, rtpTimestamp: report.rtpTimestamp)
        }
    }
}
