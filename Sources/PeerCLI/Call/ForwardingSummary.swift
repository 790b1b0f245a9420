import Foundation
import MediaSession
import Signaling

extension MediaSummaryText {
    /// What a forwarding echo did in a call, in words and as JSON.
    init(forwarded stats: MediaSessionStats, seconds: Double) {
        let loss = stats.sourceLossFraction.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a"
        let rtt = stats.roundTripMs.map { String(format: "%.0f ms", $0) } ?? "n/a"
        lines = [
            "forwarded \(stats.packetsForwarded) of \(stats.packetsReceived) packets " +
                "(\(stats.bytesForwarded / 1024) KiB) in \(String(format: "%.1f", seconds)) s",
            "source loss \(loss), rtt \(rtt); NACKs received \(stats.nacksReceived) (\(stats.packetsResent) resent), " +
                "NACKs sent \(stats.nacksSent); keyframe requests \(stats.keyframeRequestsReceived) " +
                "(\(stats.keyframeRequestsRelayed) relayed); reports sent \(stats.reportsSent)",
        ]
        var object: [String: JSONValue] = [
            "mode": .string("forward"), "durationSeconds": .number(seconds),
            "packetsReceived": .number(Double(stats.packetsReceived)),
            "packetsForwarded": .number(Double(stats.packetsForwarded)),
            "bytesForwarded": .number(Double(stats.bytesForwarded)),
            "packetsDropped": .number(Double(stats.packetsDropped)),
            "repairsReceived": .number(Double(stats.repairsReceived)),
            "nacksReceived": .number(Double(stats.nacksReceived)),
            "packetsResent": .number(Double(stats.packetsResent)),
            "nacksSent": .number(Double(stats.nacksSent)),
            "keyframeRequestsReceived": .number(Double(stats.keyframeRequestsReceived)),
            "keyframeRequestsRelayed": .number(Double(stats.keyframeRequestsRelayed)),
            "reportsSent": .number(Double(stats.reportsSent)),
        ]
        if let rtt = stats.roundTripMs { object["rttMs"] = .number(rtt) }
        if let loss = stats.sourceLossFraction { object["sourceLossFraction"] = .number(loss) }
        json = .object(object)
        oneLine = "forwarded \(stats.packetsForwarded) packets, source loss \(loss), rtt \(rtt), " +
            "\(stats.packetsResent) resent for NACKs, \(stats.keyframeRequestsRelayed) keyframe requests relayed"
    }
}
