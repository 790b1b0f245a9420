import Testing
import Wire
@testable import PeerCLI

/// The call window's line of live numbers.
@Suite struct CallOverlayTests {
    @Test func firstLineWaitsThenRatesFollowTheCounters() {
        var overlay = CallOverlay()
        var stats = CallMediaStats()
        #expect(overlay.line(stats, path: "", now: .milliseconds(0), playout: nil) == "connecting media…")
        stats.bytesReceived = 125_000
        stats.bytesSent = 62_500
        stats.videoFramesDecoded = 30
        stats.rttMs = 12.4
        stats.receivedLossFraction = 0.015
        #expect(overlay.line(stats, path: "relay", now: .milliseconds(500), playout: nil) == nil)
        let line = overlay.line(stats, path: "host 1.2.3.4:5 -> relay 6.7.8.9:10", now: .milliseconds(1000),
                                playout: nil)
        #expect(line == "↓ 1000 kbps · ↑ 500 kbps · 30 fps · rtt 12 ms · loss 1.5% · relay")
    }

    @Test func mediaThatStopsForThreeSecondsCountsAsOnHold() {
        var overlay = CallOverlay()
        var stats = CallMediaStats()
        stats.audioFramesReceived = 10
        #expect(overlay.silentSeconds(stats, now: .milliseconds(0)) == nil)
        #expect(overlay.silentSeconds(stats, now: .milliseconds(2900)) == nil)
        #expect(overlay.silentSeconds(stats, now: .milliseconds(4100)) == 4)
        stats.videoFramesDecoded = 1
        #expect(overlay.silentSeconds(stats, now: .milliseconds(4200)) == nil)
    }

    @Test func pathKinds() {
        #expect(CallOverlay.pathKind("host 127.0.0.1:1 -> host 127.0.0.1:2") == "host")
        #expect(CallOverlay.pathKind("srflx 1.2.3.4:1 -> prflx 5.6.7.8:2") == "srflx")
        #expect(CallOverlay.pathKind("relay (udp) via 1.2.3.4:3478 -> host 5.6.7.8:2") == "relay")
        #expect(CallOverlay.pathKind("") == "no path")
    }
}
