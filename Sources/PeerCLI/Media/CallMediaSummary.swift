import Foundation

/// What one call's media measured at one endpoint, for `--json` (Codable) and as sentences (`text`).
struct CallMediaSummary: Codable, Sendable {
    /// The files written, when recording.
    struct Recording: Codable, Sendable {
        /// The IVF file (nil when no keyframe arrived, so nothing was written).
        var videoPath: String?
        var videoFrames: Int
        /// The Ogg Opus file (nil when no audio arrived).
        var audioPath: String?
        var audioPackets: Int
        /// The first write error, in a sentence.
        var error: String?
    }

    /// Seconds since media started.
    var durationSeconds: Double
    /// Milliseconds from this endpoint's creation to the peer's `connected`, to the first remote video frame
    /// decoded, and to the first remote audio frame decoded.
    var setupMs: Double?
    var firstVideoFrameMs: Double?
    var firstAudioFrameMs: Double?

    var videoFramesSent: Int
    var audioFramesSent: Int
    var keyframesSent: Int
    var packetsSent: Int
    var bytesSent: Int
    var sentBitrateKbps: Double
    /// Congestion control at the end (when transport-wide CC was negotiated): the target bitrate, the picture size
    /// and frame rate it allowed, and pictures not encoded (frame-rate cap, encoder pushback).
    var targetBitrateKbps: Double?
    var videoStep: String?
    var videoFramesSkipped: Int
    /// The remote's feedback about what we send: transport-wide feedback packets, REMBs, the last REMB's rate.
    var transportFeedbackReceived: Int
    var rembReceived: Int
    /// REMB messages this side sent about what it received (a remote without transport-wide feedback).
    var rembSent: Int
    var lastRembSentKbps: Double?
    var lastRembKbps: Double?
    /// RTCP compounds from the remote that did not parse, and why the last one did not.
    var rtcpUnparsed: Int
    var lastRTCPError: String?
    var packetsRetransmitted: Int
    var nacksReceived: Int
    var keyframeRequestsReceived: Int
    var encodeFps: Double?

    var packetsReceived: Int
    var bytesReceived: Int
    var receivedBitrateKbps: Double
    var videoFramesReceived: Int
    var videoFramesDecoded: Int
    var videoFramesDropped: Int
    /// Frames dropped before decoding because the decoder thread fell behind.
    var decodeQueueDrops: Int
    var audioFramesReceived: Int
    var audioFramesConcealed: Int
    var audioPacketsLate: Int
    var nacksSent: Int
    var plisSent: Int
    var decodeFps: Double?
    /// Of decoded test-pattern frames: PSNR against the regenerated original, capture-to-decode latency.
    var psnrDb: Double?
    var latencyP50Ms: Double?
    var latencyP95Ms: Double?
    /// Every decoded frame (`--frame-timeline` only; absent from the JSON otherwise).
    var frameTimeline: [DecodedFrameSample]?
    /// Of received audio, when the remote's tone is known.
    var audioSnrDb: Double?

    var rttMs: Double?
    /// The fraction of our video the remote reported lost (0...1).
    var remoteReportedLoss: Double?
    /// The fraction of the remote's packets we never received (0...1).
    var receivedLoss: Double?
    var receivedJitterMs: Double?
    /// Video delay minus audio delay of the remote's streams here, in ms (positive: video late).
    var avSyncOffsetMs: Double?

    var recording: Recording?

    init(stats: CallMediaStats, duration: Double, setupMs: Double?, firstVideoMs: Double?, firstAudioMs: Double?,
         recording: Recording?) {
        let seconds = max(duration, 0.001)
        durationSeconds = duration
        self.setupMs = setupMs
        firstVideoFrameMs = firstVideoMs
        firstAudioFrameMs = firstAudioMs
        videoFramesSent = stats.videoFramesSent
        audioFramesSent = stats.audioFramesSent
        keyframesSent = stats.keyframesSent
        packetsSent = stats.packetsSent
        bytesSent = stats.bytesSent
        sentBitrateKbps = Double(stats.bytesSent) * 8 / seconds / 1000
        targetBitrateKbps = stats.targetBitrate.map { Double($0) / 1000 }
        videoStep = stats.videoStep
        videoFramesSkipped = stats.videoFramesSkipped
        transportFeedbackReceived = stats.transportFeedbackReceived
        rembReceived = stats.rembReceived
        rembSent = stats.rembSent
        lastRembSentKbps = stats.lastRembSentBitrate.map { Double($0) / 1000 }
        lastRembKbps = stats.lastRembBitrate.map { Double($0) / 1000 }
        rtcpUnparsed = stats.rtcpUnparsed
        lastRTCPError = stats.lastRTCPError
        packetsRetransmitted = stats.packetsRetransmitted
        nacksReceived = stats.nacksReceived
        keyframeRequestsReceived = stats.keyframeRequestsReceived
        encodeFps = stats.encodeFPS
        packetsReceived = stats.packetsReceived
        bytesReceived = stats.bytesReceived
        receivedBitrateKbps = Double(stats.bytesReceived) * 8 / seconds / 1000
        videoFramesReceived = stats.videoFramesReceived
        videoFramesDecoded = stats.videoFramesDecoded
        videoFramesDropped = stats.videoFramesDropped
        decodeQueueDrops = stats.decodeQueueDrops
        audioFramesReceived = stats.audioFramesReceived
        audioFramesConcealed = stats.audioFramesConcealed
        audioPacketsLate = stats.audioPacketsLate
        nacksSent = stats.nacksSent
        plisSent = stats.plisSent
        decodeFps = stats.decodeFPS
        psnrDb = stats.averagePSNR
        latencyP50Ms = stats.latencyPercentile(0.5)
        latencyP95Ms = stats.latencyPercentile(0.95)
        frameTimeline = stats.frameTimeline
        audioSnrDb = stats.averageSNR
        rttMs = stats.rttMs
        remoteReportedLoss = stats.fractionLost
        receivedLoss = stats.receivedLossFraction
        receivedJitterMs = stats.receivedJitterMs
        avSyncOffsetMs = stats.avSyncOffsetMs
        self.recording = recording
    }

    /// The summary as a few sentences.
    var text: String {
        var lines = [
            "media for \(number(durationSeconds, 1)) s; connected after \(number(setupMs, 0)) ms, first video " +
                "frame after \(number(firstVideoFrameMs, 0)) ms, first audio after \(number(firstAudioFrameMs, 0)) ms",
            "  sent: \(videoFramesSent) video frames (\(keyframesSent) keyframes), \(audioFramesSent) audio frames, " +
                "\(number(sentBitrateKbps, 0)) kbit/s; \(packetsRetransmitted) packets resent for \(nacksReceived) " +
                "NACKs, \(keyframeRequestsReceived) keyframe requests" +
                (targetBitrateKbps.map { "; congestion control: target \(number($0, 0)) kbit/s, " +
                    "\(videoStep ?? "-"), \(videoFramesSkipped) pictures skipped" } ?? ""),
            "  received: video \(videoFramesReceived) frames, \(videoFramesDecoded) decoded, \(videoFramesDropped) " +
                "dropped; audio \(audioFramesReceived) frames, \(audioFramesConcealed) concealed; " +
                "\(number(receivedBitrateKbps, 0)) kbit/s; \(nacksSent) NACKs, \(plisSent) PLIs sent",
            "  quality: PSNR \(number(psnrDb, 2)) dB, latency p50 \(number(latencyP50Ms, 1)) ms p95 " +
                "\(number(latencyP95Ms, 1)) ms, audio SNR \(number(audioSnrDb, 1)) dB, A/V offset " +
                "\(number(avSyncOffsetMs, 1)) ms",
            "  network: RTT \(number(rttMs, 1)) ms, loss received \(number(receivedLoss.map { $0 * 100 }, 1))%, " +
                "reported by remote \(number(remoteReportedLoss.map { $0 * 100 }, 1))%, jitter " +
                "\(number(receivedJitterMs, 1)) ms",
        ]
        if let recording {
            lines.append("  recorded: \(recording.videoFrames) video frames to \(recording.videoPath ?? "(none)"), " +
                         "\(recording.audioPackets) audio packets to \(recording.audioPath ?? "(none)")" +
                         (recording.error.map { "; error: \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
