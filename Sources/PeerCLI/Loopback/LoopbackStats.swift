import Foundation
import Wire

/// What one direction of the loopback call measured (A->B or B->A).
struct DirectionStats: Sendable {
    var videoFramesSent = 0
    var videoFramesReceived = 0
    var videoFramesDecoded = 0
    var videoFramesDropped = 0
    var psnrSum = 0.0
    var psnrCount = 0
    var latenciesMs: [Double] = []
    var audioFramesSent = 0
    var audioFramesReceived = 0
    var snrSum = 0.0
    var snrCount = 0
    var bytesSent = 0
    var packetsSent = 0
    var packetsReceived = 0
    var nacksSent = 0
    var packetsRetransmitted = 0
    var plisSent = 0
    var keyframesSent = 0
    var encodeSeconds = 0.0
    var decodeSeconds = 0.0
    var rttMs: Double?
    var fractionLost: Double?

    var averagePSNR: Double? { psnrCount > 0 ? psnrSum / Double(psnrCount) : nil }
    var averageSNR: Double? { snrCount > 0 ? snrSum / Double(snrCount) : nil }

    func latencyPercentile(_ p: Double) -> Double? {
        guard !latenciesMs.isEmpty else { return nil }
        let sorted = latenciesMs.sorted()
        let index = min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))
        return sorted[index]
    }

    var encodeFPS: Double? { encodeSeconds > 0 ? Double(videoFramesSent) / encodeSeconds : nil }
    var decodeFPS: Double? { decodeSeconds > 0 ? Double(videoFramesDecoded) / decodeSeconds : nil }

    func json(duration: Double) -> [String: Any] {
        var object: [String: Any] = [
            "videoFramesSent": videoFramesSent, "videoFramesReceived": videoFramesReceived,
            "videoFramesDecoded": videoFramesDecoded, "videoFramesDropped": videoFramesDropped,
            "audioFramesSent": audioFramesSent, "audioFramesReceived": audioFramesReceived,
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
        return object
    }
}

/// Formats an optional number for the human summary.
func number(_ value: Double?, _ digits: Int = 1, unit: String = "") -> String {
    guard let value, value.isFinite else { return "n/a" }
    return String(format: "%.\(digits)f", value) + unit
}

/// CPU seconds this process has used (user + system), from getrusage(2).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}
