import Testing
import Wire
import RTP
@testable import Congestion

@Suite struct ControllerDeadlineTests {
    @Test func missingFeedbackWhileSendingCutsTheTarget() throws {
        var controller = CongestionController(now: .zero)
        while controller.pollProbe() != nil {}
        var generator = TransportFeedbackGenerator(senderSSRC: SSRC(1), mediaSSRC: SSRC(2))
        for index in 0..<10 {
            let sent = Instant.milliseconds(Int64(index) * 10)
            let number = controller.onPacketSent(size: 1_000, kind: .video, now: sent)
            generator.record(sequenceNumber: number, arrival: sent + .milliseconds(20))
        }
        generator.flush(now: .milliseconds(120))
        let polled = generator.pollFeedback()
        controller.handle(try #require(polled), now: .milliseconds(140))
        let before = controller.targetBitrate
        _ = controller.onPacketSent(size: 1_000, kind: .video, now: .milliseconds(200))
        let deadline = try #require(controller.nextDeadline())
        #expect(deadline <= .milliseconds(1_640))
        controller.handleTimeout(now: .milliseconds(1_640))
        #expect(controller.targetBitrate == Int(0.8 * Double(before)))
        // Once a second and a half more, not at every call.
        controller.handleTimeout(now: .milliseconds(1_700))
        #expect(controller.targetBitrate == Int(0.8 * Double(before)))
        #expect(controller.nextDeadline().map { $0 > .milliseconds(1_700) } ?? true)
    }

    @Test func controllerDeadlinesAlwaysMoveOn() {
        var configuration = CongestionController.Configuration()
        configuration.maxBitrate = configuration.startBitrate  // nothing to probe for
        var controller = CongestionController(configuration: configuration, now: .zero)
        while controller.pollProbe() != nil {}
        var now = Instant.zero
        for _ in 0..<20 {
            guard let deadline = controller.nextDeadline() else { break }
            now = max(now, deadline)
            controller.handleTimeout(now: now)
            if let next = controller.nextDeadline() { #expect(next > now) }
        }
    }

    @Test func sendingWellUnderTheTargetIsApplicationLimited() {
        var controller = CongestionController(now: .zero)
        // 300 kbit/s target; 10 packets of 200 bytes a second is about 16 kbit/s.
        for index in 0..<20 {
            _ = controller.onPacketSent(size: 200, kind: .audio, now: .milliseconds(Int64(index) * 100))
        }
        #expect(controller.isApplicationLimited)
        // Back to about the target: out of ALR.
        for index in 0..<40 {
            _ = controller.onPacketSent(size: 1_200, kind: .video, now: .milliseconds(2_000 + Int64(index) * 25))
        }
        #expect(!controller.isApplicationLimited)
    }
}
