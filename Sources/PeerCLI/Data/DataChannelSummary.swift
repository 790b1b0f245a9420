import Signaling

/// What went over a call's data channels: message and byte counts both ways, chat lines, and every file sent or
/// received with its verdict. Part of `linkup call`'s summary and of a bot's line for each call.
struct DataChannelSummary: Sendable {
    /// One file sent or received.
    struct FileRecord: Sendable {
        /// `sent` or `received`.
        var direction: String
        /// The name announced (sent) or saved under (received; the sanitized name when it was not saved).
        var name: String
        /// Bytes announced in the header.
        var size: Int
        /// Bytes that went (sent: queued; received: arrived).
        var bytes: Int
        /// Whether the receiver confirmed size and SHA-256.
        var ok: Bool
        /// `verified`, or what went wrong (`refused`, `cut off: …`, `SHA-256 mismatch`…).
        var verdict: String
        /// Where a received file was saved.
        var savedPath: String?
        /// From the header to the verdict.
        var seconds: Double

        /// Bytes per second over the transfer.
        var rate: Double { seconds > 0 ? Double(bytes) / seconds : 0 }

        var json: JSONValue {
            var object: [String: JSONValue] = [
                "direction": .string(direction), "name": .string(name), "size": .number(Double(size)),
                "bytes": .number(Double(bytes)), "ok": .bool(ok), "verdict": .string(verdict),
                "seconds": .number(seconds), "bytesPerSecond": .number(rate.rounded()),
            ]
            if let savedPath { object["savedPath"] = .string(savedPath) }
            return .object(object)
        }

        var line: String {
            "\(direction) \(name): \(TransferProgress.formatBytes(bytes)) in " +
                String(format: "%.1f", seconds) + " s (\(TransferProgress.formatBytes(Int(rate)))/s), \(verdict)" +
                (savedPath.map { ", saved as \($0)" } ?? "")
        }
    }

    /// Whether the call negotiated data channels at all.
    var negotiated = false
    var messagesSent = 0
    var messagesReceived = 0
    var bytesSent = 0
    var bytesReceived = 0
    var chatLinesSent = 0
    var chatLinesReceived = 0
    var files: [FileRecord] = []
    /// Why the association failed, if it did.
    var failure: String?

    var filesSent: Int { files.filter { $0.direction == "sent" }.count }
    var filesReceived: Int { files.filter { $0.direction == "received" }.count }

    /// Lines for a summary (without indentation).
    var lines: [String] {
        guard negotiated else { return ["data channels: not negotiated"] }
        var lines = ["data channels: \(messagesSent) messages (\(TransferProgress.formatBytes(bytesSent))) sent, " +
                     "\(messagesReceived) messages (\(TransferProgress.formatBytes(bytesReceived))) received; " +
                     "chat lines \(chatLinesSent) sent, \(chatLinesReceived) received; files " +
                     "\(filesSent) sent, \(filesReceived) received"]
        lines += files.map { "  file " + $0.line }
        if let failure { lines.append("  data channels failed: \(failure)") }
        return lines
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "negotiated": .bool(negotiated),
            "messagesSent": .number(Double(messagesSent)), "messagesReceived": .number(Double(messagesReceived)),
            "bytesSent": .number(Double(bytesSent)), "bytesReceived": .number(Double(bytesReceived)),
            "chatLinesSent": .number(Double(chatLinesSent)),
            "chatLinesReceived": .number(Double(chatLinesReceived)),
            "filesSent": .number(Double(filesSent)), "filesReceived": .number(Double(filesReceived)),
            "files": .array(files.map(\.json)),
        ]
        if let failure { object["failure"] = .string(failure) }
        return .object(object)
    }
}
