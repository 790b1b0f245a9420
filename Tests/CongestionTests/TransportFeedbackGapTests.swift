import Testing
import Wire
import RTP
@testable import Congestion

@Suite struct TransportFeedbackGapTests {
    @Test func aJumpAheadStillReportsWhatArrived() throws {
        var generator = TransportFeedbackGenerator(senderSSRC: SSRC(1), mediaSSRC: SSRC(2))
        generator.record(sequenceNumber: 100, arrival: .milliseconds(10))
        generator.flush(now: .milliseconds(20))
        _ = generator.pollFeedback()
        // 20 000 numbers later (a sender that skipped ahead): only the new packets are described.
        generator.record(sequenceNumber: 20_100, arrival: .milliseconds(30))
        generator.record(sequenceNumber: 20_101, arrival: .milliseconds(31))
        generator.flush(now: .milliseconds(80))
        let polled = generator.pollFeedback()
        let feedback = try #require(polled)
        #expect(feedback.baseSequenceNumber == 20_100)
        #expect(feedback.packetStatusCount == 2)
    }
}
