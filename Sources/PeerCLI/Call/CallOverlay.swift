import ArgumentParser
import Media
import Wire

/// The call window's line of live numbers, from the media statistics once a second: received and sent bitrate,
/// RTT, loss, received frame rate, playout delay and the kind of path (host, srflx, relay).
struct CallOverlay {
    private var last: (at: Instant, received: Int, sent: Int, frames: Int)?
    private var text: String?
    private var progress: (at: Instant, received: Int)?

    /// A new line when a second has passed since the last (nil otherwise: keep the old one).
    mutating func line(_ stats: CallMediaStats, path: String, now: Instant, playout: AudioPlayout.Stats?) -> String? {
        guard let last else {
            self.last = (now, stats.bytesReceived, stats.bytesSent, stats.videoFramesDecoded)
            return "connecting media…"
        }
        let elapsed = Double((now - last.at).milliseconds) / 1000
        guard elapsed >= 1 else { return nil }
        let down = Double(stats.bytesReceived - last.received) * 8 / elapsed / 1000
        let up = Double(stats.bytesSent - last.sent) * 8 / elapsed / 1000
        let fps = Double(stats.videoFramesDecoded - last.frames) / elapsed
        self.last = (now, stats.bytesReceived, stats.bytesSent, stats.videoFramesDecoded)
        var parts = ["↓ \(Int(down)) kbps", "↑ \(Int(up)) kbps", "\(Int(fps.rounded())) fps"]
        parts.append("rtt " + (stats.rttMs.map { "\(Int($0.rounded())) ms" } ?? "–"))
        parts.append("loss " + String(format1: (stats.receivedLossFraction ?? 0) * 100) + "%")
        if let playout { parts.append("playout \(Int(playout.playoutDelayMs.rounded())) ms") }
        parts.append(Self.pathKind(path))
        let line = parts.joined(separator: " · ")
        text = line
        return line
    }

    /// Whole seconds since the last remote video frame or audio frame arrived, once that is 3 s or more (the other
    /// side put the call on hold, or its media stopped); nil while media flows.
    mutating func silentSeconds(_ stats: CallMediaStats, now: Instant) -> Int? {
        let received = stats.videoFramesDecoded + stats.audioFramesReceived
        guard let progress, progress.received == received else {
            progress = (now, received)
            return nil
        }
        let seconds = Int((now - progress.at).milliseconds / 1000)
        return seconds >= 3 ? seconds : nil
    }

    /// "relay", "srflx" or "host" from a path description such as `host 127.0.0.1:40000 -> host 127.0.0.1:40002`.
    static func pathKind(_ path: String) -> String {
        if path.contains("relay") { return "relay" }
        if path.contains("srflx") || path.contains("prflx") { return "srflx" }
        return path.isEmpty ? "no path" : "host"
    }
}

extension String {
    /// One decimal place, without Foundation's formatter.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}

extension PersonDevices.WindowMode: ExpressibleByArgument {}
