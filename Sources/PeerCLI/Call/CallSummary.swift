import Foundation
import Media
import Signaling

/// What `linkup call` prints at the end: who, how fast it connected, why it ended, and the media numbers.
struct CallSummary {
    var room: String
    var me: String
    var remote: String?
    /// The SRTP profile and the selected candidate pair.
    var transport = ""
    /// ICE restarts this side asked for during the call.
    var iceRestarts = 0
    /// The longest time the call had no working path (from ICE disconnected to a new path), if it lost one.
    var longestGapMs: Double?
    /// From placing (or receiving) the call to ICE + DTLS connected.
    var connectMs: Double?
    /// From placing (or receiving) the call to the first remote video frame decoded.
    var firstFrameMs: Double?
    var endReason: String?
    var failed = false
    /// The media summary in words and as JSON, when media ran.
    var media: MediaSummaryText?
    /// How the received audio played on the speaker, when one was open.
    var playout: AudioPlayout.Stats?
    /// What went over the data channels (chat and files), when the call had them.
    var data: DataChannelSummary?

    /// Whether the call connected and ran (even if the other side hung up early).
    var succeeded: Bool { !failed && connectMs != nil }

    var text: String {
        var lines = ["Call in room \"\(room)\" as \(me)" + (remote.map { " with \($0)" } ?? "")]
        if let connectMs {
            lines.append("  connected after \(Int(connectMs.rounded())) ms (\(transport))")
        } else {
            lines.append("  did not connect")
        }
        lines.append("  first remote video frame decoded after " +
                     (firstFrameMs.map { "\(Int($0.rounded())) ms" } ?? "(none)"))
        if iceRestarts > 0 || longestGapMs != nil {
            lines.append("  ICE restarts: \(iceRestarts)" +
                         (longestGapMs.map { "; longest time without a path: \(Int($0.rounded())) ms" } ?? ""))
        }
        if let endReason { lines.append("  ended: \(endReason)") }
        if let media { lines.append(contentsOf: media.lines.map { "  " + $0 }) }
        if let data { lines.append(contentsOf: data.lines.map { "  " + $0 }) }
        if let playout {
            lines.append("  speaker: playout delay \(Int(playout.meanPlayoutDelayMs.rounded())) ms on average (jitter " +
                         "buffer target \(Int(playout.targetMs.rounded())) ms), \(playout.bufferUnderruns) buffer " +
                         "underruns, \(playout.deviceUnderruns) device underruns")
        }
        return lines.joined(separator: "\n")
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "room": .string(room), "self": .string(me), "connected": .bool(connectMs != nil),
            "transport": .string(transport), "failed": .bool(failed),
        ]
        if let remote { object["remote"] = .string(remote) }
        if let connectMs { object["connectMs"] = .number(connectMs) }
        if let firstFrameMs { object["firstFrameMs"] = .number(firstFrameMs) }
        if let endReason { object["endReason"] = .string(endReason) }
        if let media { object["media"] = media.json }
        if let data { object["data"] = data.json }
        object["iceRestarts"] = .number(Double(iceRestarts))
        if let longestGapMs { object["longestGapMs"] = .number(longestGapMs) }
        if let playout {
            object["playout"] = .object([
                "meanDelayMs": .number(playout.meanPlayoutDelayMs), "delayMs": .number(playout.playoutDelayMs),
                "targetMs": .number(playout.targetMs), "bufferUnderruns": .number(Double(playout.bufferUnderruns)),
                "deviceUnderruns": .number(Double(playout.deviceUnderruns)),
                "playedMs": .number(Double(playout.samplesPlayed) / 48),
            ])
        }
        return .object(object)
    }
}

/// A media summary ready to print: lines of text and the same as JSON.
struct MediaSummaryText: Sendable {
    var lines: [String]
    var json: JSONValue
    /// One short line (for a bot's log).
    var oneLine: String
}

extension MediaSummaryText {
    /// The media endpoint's summary, in words and as JSON (absent numbers are left out of the JSON).
    init(_ summary: CallMediaSummary) {
        lines = summary.text.split(separator: "\n").map { $0.trimmingPrefix("  ") }.map(String.init)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        json = (try? encoder.encode(summary)).flatMap { try? JSONValue(parsing: Array($0)) } ?? .null
        oneLine = "sent \(summary.videoFramesSent) video / \(summary.audioFramesSent) audio frames, received " +
            "\(summary.videoFramesDecoded) video decoded / \(summary.audioFramesReceived) audio frames" +
            (summary.recording.map { ", recorded \($0.videoFrames) video frames and \($0.audioPackets) audio packets" }
                ?? "")
    }
}
