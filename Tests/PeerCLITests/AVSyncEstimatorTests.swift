import RTP
import Testing
import Wire
@testable import PeerCLI

@Suite struct AVSyncEstimatorTests {
    /// The sender's clock and the receiver's differ by an arbitrary offset; only the difference of the delays counts.
    let senderClock = NTPClock(referenceInstant: .zero, referenceNTP: 3_900_000_000 << 32)
    let receiverClock = NTPClock(referenceInstant: .zero, referenceNTP: 3_900_001_234 << 32)

    func run(videoDelayMs: Int64, audioDelayMs: Int64) -> Double? {
        var sync = AVSyncEstimator()
        // Both streams start at RTP time 0 at the sender's instant 1 s (different RTP offsets would do as well).
        let start = Instant.milliseconds(1000)
        let videoBase: UInt32 = 123_456, audioBase: UInt32 = 999
        let reportAt = start + .milliseconds(500)
        sync.videoSenderReport(ntpTimestamp: senderClock.ntp(at: reportAt), rtpTimestamp: videoBase &+ 45_000)
        sync.audioSenderReport(ntpTimestamp: senderClock.ntp(at: reportAt), rtpTimestamp: audioBase &+ 24_000)
        for frame in 0..<100 {
            let captured = start + .milliseconds(Int64(frame) * 20)
            sync.videoPlayed(rtpTimestamp: videoBase &+ UInt32(frame * 1800),
                             localNTP: receiverClock.ntp(at: captured + .milliseconds(videoDelayMs)))
            sync.audioPlayed(rtpTimestamp: audioBase &+ UInt32(frame * 960),
                             localNTP: receiverClock.ntp(at: captured + .milliseconds(audioDelayMs)))
        }
        return sync.offsetMs
    }

    @Test func inSyncStreamsHaveNoOffset() throws {
        let offset = try #require(run(videoDelayMs: 80, audioDelayMs: 80))
        #expect(abs(offset) < 0.5)
    }

    @Test func lateVideoHasAPositiveOffset() throws {
        let offset = try #require(run(videoDelayMs: 120, audioDelayMs: 80))
        #expect(abs(offset - 40) < 0.5)
        let early = try #require(run(videoDelayMs: 50, audioDelayMs: 80))
        #expect(abs(early + 30) < 0.5)
    }

    @Test func noOffsetBeforeSenderReports() {
        var sync = AVSyncEstimator()
        sync.videoPlayed(rtpTimestamp: 1, localNTP: 1 << 32)
        sync.audioPlayed(rtpTimestamp: 1, localNTP: 1 << 32)
        #expect(sync.offsetMs == nil)
    }
}
