import RTP
import Wire

/// How far apart the remote's audio and video are when played here, from the sender reports of both streams
/// (RFC 3550 §6.4.1: each SR pairs an NTP time with the stream's RTP time, so both streams map onto the sender's
/// one wall clock). For every frame played, its delay is "our clock now - its sender NTP time"; the two clocks'
/// offset is the same for both streams, so the difference of the audio and video delays is the A/V offset. A
/// positive offset means video is played later than the audio captured at the same moment.
struct AVSyncEstimator: Sendable {
    private var video = RTPTimeMapper(clockRate: 90_000)
    private var audio = RTPTimeMapper(clockRate: 48_000)
    /// Smoothed delays in seconds (exponential average, so the latest second dominates).
    private var videoDelay: Double?
    private var audioDelay: Double?
    /// Weight of each new frame in the averages.
    var smoothing = 0.05

    init() {}

    /// Takes a sender report of the remote's video stream.
    mutating func videoSenderReport(ntpTimestamp: UInt64, rtpTimestamp: UInt32) {
        video.update(ntpTimestamp: ntpTimestamp, rtpTimestamp: rtpTimestamp)
    }

    /// Takes a sender report of the remote's audio stream.
    mutating func audioSenderReport(ntpTimestamp: UInt64, rtpTimestamp: UInt32) {
        audio.update(ntpTimestamp: ntpTimestamp, rtpTimestamp: rtpTimestamp)
    }

    /// A video frame with RTP timestamp `rtpTimestamp` was played at local NTP time `localNTP`.
    mutating func videoPlayed(rtpTimestamp: UInt32, localNTP: UInt64) {
        guard let sent = video.ntpTimestamp(forRTP: rtpTimestamp) else { return }
        videoDelay = average(videoDelay, Self.seconds(localNTP, minus: sent))
    }

    /// An audio frame with RTP timestamp `rtpTimestamp` was played at local NTP time `localNTP`.
    mutating func audioPlayed(rtpTimestamp: UInt32, localNTP: UInt64) {
        guard let sent = audio.ntpTimestamp(forRTP: rtpTimestamp) else { return }
        audioDelay = average(audioDelay, Self.seconds(localNTP, minus: sent))
    }

    /// Video delay minus audio delay in milliseconds, once both streams had a sender report and a frame.
    var offsetMs: Double? {
        guard let videoDelay, let audioDelay else { return nil }
        return (videoDelay - audioDelay) * 1000
    }

    private func average(_ current: Double?, _ sample: Double) -> Double {
        guard let current else { return sample }
        return current + smoothing * (sample - current)
    }

    /// `a - b` for 32.32 fixed-point NTP times, in seconds (signed).
    static func seconds(_ a: UInt64, minus b: UInt64) -> Double {
        Double(Int64(bitPattern: a &- b)) / 4_294_967_296
    }
}
