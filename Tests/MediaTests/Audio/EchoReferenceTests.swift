import Testing
import Wire
@testable import Media

/// The far-end reference found by time: what was heard 10 ms before each microphone frame began.
@Suite struct EchoReferenceTests {
    /// 20 ms periods whose samples count up from `first`, heard back to back from `start`.
    static func periods(_ reference: EchoReference, count: Int, start: Instant, first: Int = 1) {
        for index in 0..<count {
            let samples = (0..<960).map { Int16(truncatingIfNeeded: first + index * 960 + $0) }
            reference.played(samples, at: start + .milliseconds(Int64(index) * 20))
        }
    }

    @Test func findsWhatWasHeardLeadEarlier() {
        let reference = EchoReference(lead: .milliseconds(10))
        Self.periods(reference, count: 10, start: .milliseconds(1000))
        // A frame captured at 1.1 s gets what was heard from 1.09 s: sample 90 ms * 48 = 4320 (values start at 1).
        let samples = reference.reference(count: 960, at: .milliseconds(1100))
        #expect(samples.first == 4321 && samples.last == 4321 + 959)
        // Before playback started: silence, then the first samples.
        let early = reference.reference(count: 960, at: .milliseconds(1000))
        #expect(early.prefix(480).allSatisfy { $0 == 0 } && early[480] == 1)
    }

    @Test func aGapIsSilenceAndAWobbleIsIgnored() {
        // Each look gets a fresh reference: consecutive looks would be taken as one microphone running on.
        func played() -> EchoReference {
            let reference = EchoReference(lead: .zero)
            Self.periods(reference, count: 2, start: .milliseconds(0))
            // An underrun: the next period is heard 60 ms late.
            reference.played([Int16](repeating: 7, count: 960), at: .milliseconds(100))
            // The playback thread read its clock 25 ms late, then 4 ms early: the periods still follow each other.
            reference.played([Int16](repeating: 9, count: 960), at: .milliseconds(145))
            reference.played([Int16](repeating: 5, count: 960), at: .milliseconds(136))
            return reference
        }
        #expect(played().reference(count: 960, at: .milliseconds(60)).allSatisfy { $0 == 0 })
        #expect(played().reference(count: 960, at: .milliseconds(100)).allSatisfy { $0 == 7 })
        #expect(played().reference(count: 960, at: .milliseconds(120)).allSatisfy { $0 == 9 })
        #expect(played().reference(count: 960, at: .milliseconds(140)).allSatisfy { $0 == 5 })
    }

    @Test func microphoneFramesFollowEachOtherThroughTimestampWobble() {
        let reference = EchoReference(lead: .zero)
        Self.periods(reference, count: 10, start: .milliseconds(0), first: 0)
        let first = reference.reference(count: 960, at: .milliseconds(20))
        // The next frame's timestamp came out 15 ms late: it still starts where the last one ended.
        let second = reference.reference(count: 960, at: .milliseconds(55))
        #expect(first.first == 960 && second.first == 1920)
        // A jump of 100 ms is a real break: taken as it is.
        let third = reference.reference(count: 960, at: .milliseconds(160))
        #expect(third.first == 7680)
    }

    @Test func keepsOneSecond() {
        let reference = EchoReference(lead: .zero)
        Self.periods(reference, count: 100, start: .milliseconds(0), first: 0)  // 2 s
        #expect(reference.reference(count: 10, at: .milliseconds(500)).allSatisfy { $0 == 0 })
        let late = reference.reference(count: 1, at: .milliseconds(1500))
        #expect(late == [Int16(truncatingIfNeeded: 72_000)])
    }
}
