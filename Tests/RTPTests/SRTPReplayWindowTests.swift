@testable import RTP
import Testing

/// The SRTP replay window (RFC 3711 §3.3.2) and packet-index estimation (§3.3.1, Appendix A).
@Suite struct SRTPReplayWindowTests {
    @Test func freshReplayedAndTooOld() {
        var window = SRTPReplayWindow()
        #expect(window.check(0) == .fresh)
        window.accept(0)
        #expect(window.check(0) == .replayed)
        window.accept(300)
        #expect(window.highest == 300)
        #expect(window.check(300) == .replayed)
        #expect(window.check(173) == .fresh)  // 127 behind is the oldest the window holds
        #expect(window.check(172) == .tooOld)
        #expect(window.check(174) == .fresh)
        window.accept(174)
        #expect(window.check(174) == .replayed)
        #expect(window.check(299) == .fresh)
        window.accept(301)  // a shift by one keeps what was seen
        #expect(window.check(300) == .replayed)
        #expect(window.check(174) == .replayed)
        #expect(window.check(175) == .fresh)
    }

    /// Shifts of 64 or more bits and of the whole window clear the right bits.
    @Test func largeShifts() {
        var window = SRTPReplayWindow()
        window.accept(1)
        window.accept(65)
        #expect(window.check(1) == .replayed)
        window.accept(129)
        #expect(window.check(1) == .tooOld)
        #expect(window.check(65) == .replayed)
        window.accept(10_000)
        #expect(window.check(9_999) == .fresh)
        #expect(window.check(129) == .tooOld)
    }

    /// SRTCP's window starts with every index from 0 to 127 inside it (as libsrtp's does).
    @Test func rtcpWindowStartsOpen() {
        var window = SRTPReplayWindow(highest: SRTPReplayWindow.size - 1)
        #expect(window.check(0) == .fresh)
        window.accept(1)
        #expect(window.check(1) == .replayed)
        #expect(window.check(2) == .fresh)
    }

    /// RFC 3711 Appendix A: the ROC of the highest index, one more after a wrap, one less for a late packet from
    /// before it, and never below zero at the start.
    @Test func indexEstimation() {
        var window = SRTPReplayWindow()
        #expect(window.estimateIndex(sequence: 65_535) == 65_535)  // ROC 0, not -1, at the start
        window.accept(65_000)
        #expect(window.estimateIndex(sequence: 10) == 0x1_000A)  // wrapped: ROC 1
        #expect(window.estimateIndex(sequence: 64_990) == 64_990)
        window.accept(0x1_000A)
        #expect(window.estimateIndex(sequence: 65_530) == 65_530)  // late, from before the wrap: ROC 0
        #expect(window.estimateIndex(sequence: 20) == 0x1_0014)
        window.accept(0x3_FFF0)
        #expect(window.estimateIndex(sequence: 5) == 0x4_0005)
    }
}
