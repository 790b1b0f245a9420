import Foundation

/// The summary `linkup loopback` prints at the end, as sentences or as one JSON object.
struct LoopbackReport {
    var format: VideoFormat
    var duration: Double
    var loss: Double
    var setupMs: Double
    var directions: [(String, DirectionStats)]
    var datagramsDropped: Int
    var datagramsSent: Int
    var cpuSeconds: Double

    var json: [String: Any] {
        [
            "video": format.description, "durationSeconds": duration, "lossConfigured": loss,
            "setupMs": setupMs, "datagramsSent": datagramsSent, "datagramsDropped": datagramsDropped,
            "cpuSeconds": cpuSeconds,
            "directions": Dictionary(uniqueKeysWithValues: directions.map { ($0.0, $0.1.json(duration: duration)) }),
        ]
    }

    var text: String {
        var lines = [
            "linkup loopback: \(format) for \(number(duration, 1)) s, simulated loss \(number(loss * 100, 1))% " +
                "(\(datagramsDropped) of \(datagramsSent) datagrams dropped)",
            "  set-up (offer -> both connected): \(number(setupMs, 1)) ms; CPU used: \(number(cpuSeconds, 2)) s",
        ]
        for (name, stats) in directions {
            lines.append("  \(name):")
            lines.append("    video: \(stats.videoFramesSent) sent, \(stats.videoFramesReceived) received, " +
                         "\(stats.videoFramesDecoded) decoded, \(stats.videoFramesDropped) dropped; " +
                         "PSNR \(number(stats.averagePSNR, 2)) dB")
            lines.append("    latency (capture -> decoded): p50 \(number(stats.latencyPercentile(0.5), 1)) ms, " +
                         "p95 \(number(stats.latencyPercentile(0.95), 1)) ms")
            lines.append("    audio: \(stats.audioFramesSent) sent, \(stats.audioFramesReceived) received, " +
                         "\(stats.audioFramesConcealed) concealed (FEC/PLC); SNR \(number(stats.averageSNR, 1)) dB; " +
                         "A/V offset \(number(stats.avSyncOffsetMs, 1)) ms")
            lines.append("    repair: \(stats.nacksSent) NACKs, \(stats.packetsRetransmitted) packets resent (RTX), " +
                         "\(stats.plisSent) PLIs, \(stats.keyframesSent) keyframes")
            lines.append("    rate: \(number(Double(stats.bytesSent) * 8 / max(duration, 0.001) / 1000, 0)) kbit/s; " +
                         "encode \(number(stats.encodeFPS, 0)) fps/CPU-s, decode \(number(stats.decodeFPS, 0)) fps/CPU-s" +
                         "; RTT \(number(stats.rttMs, 1)) ms")
        }
        return lines.joined(separator: "\n")
    }
}
