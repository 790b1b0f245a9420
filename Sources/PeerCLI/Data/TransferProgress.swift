import Foundation
import PeerRuntime
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// A file transfer's progress on standard error: bytes, rate and time left. On a terminal it is one line redrawn
/// in place (`\r`) at most 10 times a second; otherwise (a log, a pipe) a line a second.
struct TransferProgress {
    /// "sending big.bin to echo-bot" and the like.
    let title: String
    let total: Int
    let startedAt: Instant
    private let isTerminal: Bool
    private var lastDrawn: Instant?

    init(title: String, total: Int, now: Instant = RuntimeClock.now()) {
        self.title = title
        self.total = total
        startedAt = now
        isTerminal = isatty(2) == 1
    }

    /// Shows `bytes` done, if it is time to.
    mutating func update(_ bytes: Int, now: Instant = RuntimeClock.now()) {
        let interval: Duration = isTerminal ? .milliseconds(100) : .seconds(1)
        if let lastDrawn, now - lastDrawn < interval { return }
        if lastDrawn == nil, !isTerminal { lastDrawn = now; return }  // the first line after a second
        lastDrawn = now
        let line = "\(title): " + Self.line(bytes: bytes, total: total, seconds: (now - startedAt).milliseconds / 1000)
        if isTerminal {
            var stream = StandardError()
            stream.write("\r\u{1B}[K" + line)
            StandardError.lineInPlace.withLock { $0 = true }
        } else {
            printError(line)
        }
    }

    /// Ends the display with the line `result` in place of the progress (`printError` clears it).
    func finish(_ result: String) {
        printError(result)
    }

    /// `3.2 MB of 10.5 MB (30%), 1.3 MB/s, 6 s left`.
    static func line(bytes: Int, total: Int, seconds: Double) -> String {
        let rate = seconds > 0 ? Double(bytes) / seconds : 0
        let percent = total > 0 ? Int(Double(bytes) * 100 / Double(total)) : 100
        var text = "\(formatBytes(bytes)) of \(formatBytes(total)) (\(percent)%), \(formatBytes(Int(rate)))/s"
        if rate > 0 {
            let left = Double(max(0, total - bytes)) / rate
            text += left < 60 ? ", \(Int(left.rounded(.up))) s left"
                : ", \(Int(left / 60)) min \(Int(left.truncatingRemainder(dividingBy: 60))) s left"
        }
        return text
    }

    /// `1.2 MB` style sizes (powers of 1000, as the web client shows them).
    static func formatBytes(_ count: Int) -> String {
        guard count >= 1000 else { return "\(count) B" }
        var value = Double(count)
        var unit = -1
        let units = ["kB", "MB", "GB", "TB"]
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return String(format: value < 10 ? "%.2f" : "%.1f", value) + " " + units[unit]
    }
}
