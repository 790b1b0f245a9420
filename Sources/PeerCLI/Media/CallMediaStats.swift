import Foundation
import MediaSession
import Wire

/// Counters and measurements of one call's media at one endpoint: what it sent, and what it received from the
/// remote. `linkup loopback` joins one side's sent half with the other side's received half into one direction.
struct CallMediaStats: Sendable {
    // Sent.
    var videoFramesSent = 0
    var audioFramesSent = 0
    var bytesSent = 0
    var packetsSent = 0
    var packetsRetransmitted = 0
    var keyframesSent = 0
    var encodeSeconds = 0.0
    /// Congestion control: the target bitrate, the ladder's step, pictures not encoded (frame-rate cap, pushback).
    var targetBitrate: Int?
    var videoStep: String?
    var videoFramesSkipped = 0
    var transportFeedbackReceived = 0
    var rembReceived = 0
    var rembSent = 0
    var lastRembSentBitrate: Int?
    var lastRembBitrate: Int?
    var rtcpUnparsed = 0
    var lastRTCPError: String?
    /// Round-trip time from the remote's receiver reports (RFC 3550 §6.4.1).
    var rttMs: Double?
    /// The fraction of our video the remote reported lost.
    var fractionLost: Double?
    /// NACKs, PLIs and FIRs the remote sent about our streams.
    var nacksReceived = 0
    var keyframeRequestsReceived = 0

    // Received.
    var packetsReceived = 0
    var bytesReceived = 0
    var videoFramesReceived = 0
    var videoFramesDecoded = 0
    var videoFramesDropped = 0
    /// Frames dropped before decoding because the decoder thread had fallen behind.
    var decodeQueueDrops = 0
    var psnrSum = 0.0
    var psnrCount = 0
    var latenciesMs: [Double] = []
    /// Every decoded frame, when the configuration kept them.
    var frameTimeline: [DecodedFrameSample]?
    var audioFramesReceived = 0
    /// Audio frames filled in for lost packets (in-band FEC or concealment).
    var audioFramesConcealed = 0
    var audioPacketsLate = 0
    var snrSum = 0.0
    var snrCount = 0
    var nacksSent = 0
    var plisSent = 0
    var decodeSeconds = 0.0
    /// Loss of the remote's streams as we counted it (RFC 3550 §A.3 cumulative), 0...1.
    var receivedLossFraction: Double?
    /// Interarrival jitter of the remote's video, in ms (RFC 3550 §6.4.1).
    var receivedJitterMs: Double?
    /// How much later than its audio the remote's video is played here, in ms (from SR NTP times).
    var avSyncOffsetMs: Double?

    init() {}

    /// The engine's counters (`MediaSession`) joined with what the codec threads measured. An echo's "sent"
    /// frames are the frames it forwarded (every complete frame it received goes back).
    init(engine: MediaSessionStats, measured: MediaMeasurements, echoes: Bool) {
        videoFramesSent = echoes ? engine.videoFramesReceived : engine.videoFramesSent
        audioFramesSent = echoes ? engine.audioPacketsReceived : engine.audioFramesSent
        bytesSent = echoes ? engine.bytesForwarded : engine.bytesSent
        packetsSent = echoes ? engine.packetsForwarded : engine.packetsSent
        packetsRetransmitted = engine.packetsResent
        keyframesSent = engine.keyframesSent
        encodeSeconds = measured.encodeSeconds
        targetBitrate = engine.targetBitrate
        videoStep = engine.videoStep
        videoFramesSkipped = engine.framesSkipped
        transportFeedbackReceived = engine.transportFeedbackReceived
        rembReceived = engine.rembReceived
        rembSent = engine.rembSent
        lastRembSentBitrate = engine.lastRembSentBitrate
        lastRembBitrate = engine.lastRembBitrate
        rtcpUnparsed = engine.rtcpUnparsed
        lastRTCPError = engine.lastRTCPError
        rttMs = engine.roundTripMs
        fractionLost = engine.videoLossFraction ?? engine.remoteLossFraction
        nacksReceived = engine.nacksReceived
        keyframeRequestsReceived = engine.keyframeRequestsReceived
        packetsReceived = engine.packetsReceived
        bytesReceived = engine.bytesReceived
        videoFramesReceived = engine.videoFramesReceived
        videoFramesDecoded = measured.videoFramesDecoded
        videoFramesDropped = engine.videoFramesDropped
        psnrSum = measured.psnrSum
        psnrCount = measured.psnrCount
        latenciesMs = measured.latenciesMs
        frameTimeline = measured.frameTimeline
        audioFramesReceived = measured.audioFramesDecoded
        audioFramesConcealed = measured.audioFramesConcealed
        audioPacketsLate = measured.audioPacketsLate
        snrSum = measured.snrSum
        snrCount = measured.snrCount
        nacksSent = engine.nacksSent
        plisSent = engine.plisSent + engine.keyframeRequestsRelayed
        decodeSeconds = measured.decodeSeconds
        receivedLossFraction = engine.sourceLossFraction
        receivedJitterMs = engine.sourceJitterMs
        avSyncOffsetMs = measured.sync.offsetMs
    }

    var averagePSNR: Double? { psnrCount > 0 ? psnrSum / Double(psnrCount) : nil }
    var averageSNR: Double? { snrCount > 0 ? snrSum / Double(snrCount) : nil }

    /// The `p` quantile (0...1) of the capture-to-decode latencies, nearest rank.
    func latencyPercentile(_ p: Double) -> Double? {
        guard !latenciesMs.isEmpty else { return nil }
        let sorted = latenciesMs.sorted()
        let index = min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))
        return sorted[index]
    }

    var encodeFPS: Double? { encodeSeconds > 0 ? Double(videoFramesSent) / encodeSeconds : nil }
    var decodeFPS: Double? { decodeSeconds > 0 ? Double(videoFramesDecoded) / decodeSeconds : nil }

    /// One direction of `linkup loopback`: the sending side's sent half and the receiving side's received half.
    static func direction(sender: CallMediaStats, receiver: CallMediaStats) -> CallMediaStats {
        var stats = receiver
        stats.videoFramesSent = sender.videoFramesSent
        stats.audioFramesSent = sender.audioFramesSent
        stats.bytesSent = sender.bytesSent
        stats.packetsSent = sender.packetsSent
        stats.packetsRetransmitted = sender.packetsRetransmitted
        stats.keyframesSent = sender.keyframesSent
        stats.encodeSeconds = sender.encodeSeconds
        stats.targetBitrate = sender.targetBitrate
        stats.videoStep = sender.videoStep
        stats.videoFramesSkipped = sender.videoFramesSkipped
        stats.transportFeedbackReceived = sender.transportFeedbackReceived
        stats.rembReceived = sender.rembReceived
        stats.lastRembBitrate = sender.lastRembBitrate
        stats.rttMs = sender.rttMs
        stats.fractionLost = sender.fractionLost
        return stats
    }

    /// The loopback's JSON for one direction.
    func json(duration: Double) -> [String: Any] {
        var object: [String: Any] = [
            "videoFramesSent": videoFramesSent, "videoFramesReceived": videoFramesReceived,
            "videoFramesDecoded": videoFramesDecoded, "videoFramesDropped": videoFramesDropped,
            "decodeQueueDrops": decodeQueueDrops,
            "audioFramesSent": audioFramesSent, "audioFramesReceived": audioFramesReceived,
            "audioFramesConcealed": audioFramesConcealed,
            "packetsSent": packetsSent, "packetsReceived": packetsReceived,
            "nacksSent": nacksSent, "packetsRetransmitted": packetsRetransmitted, "plisSent": plisSent,
            "keyframesSent": keyframesSent,
            "bitrateKbps": duration > 0 ? Double(bytesSent) * 8 / duration / 1000 : 0,
        ]
        object["psnrDb"] = averagePSNR
        object["audioSnrDb"] = averageSNR
        object["latencyP50Ms"] = latencyPercentile(0.5)
        object["latencyP95Ms"] = latencyPercentile(0.95)
        object["encodeFps"] = encodeFPS
        object["decodeFps"] = decodeFPS
        object["rttMs"] = rttMs
        object["fractionLost"] = fractionLost
        object["avSyncOffsetMs"] = avSyncOffsetMs
        return object
    }
}
