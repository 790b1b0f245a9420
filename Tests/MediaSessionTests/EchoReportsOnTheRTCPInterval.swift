import MediaSession
import RTP
import Testing
import Wire

/// Regular reports follow RFC 3550 §6.3: the first within half an interval, then every Td × U(0.5, 1.5) /
/// (e − 3/2); each compound carries a sender report per stream we forward (report blocks about the sources in
/// the first) and SDES with our CNAME. The round trip comes from the other side's report blocks.
@Suite struct EchoReportsOnTheRTCPInterval {
    @Test func theIntervalFollowsTheRFCFormula() {
        let interval = RTCPInterval(sessionBandwidth: 700_000)
        // 700 kbit/s: 5% is 4375 B/s; a quarter for one sender of two members: 120 B / 1094 B/s = 0.11 s < 1 s.
        #expect(interval.deterministic(members: 2, senders: 1, weSent: true) == .seconds(1))
        let narrow = RTCPInterval(sessionBandwidth: 20_000, minimum: .milliseconds(100))
        // 20 kbit/s: 125 B/s for RTCP; both members send (senders > 25%), so n = 2: 2 × 120 / 125 = 1.92 s.
        #expect(narrow.deterministic(members: 2, senders: 2, weSent: true) == .milliseconds(1920))
        var random = SeededGenerator(seed: 3)
        for _ in 0..<100 {
            let value = interval.randomized(members: 2, senders: 1, weSent: true, using: &random)
            #expect(value >= .milliseconds(410) && value <= .milliseconds(1232))
        }
    }

    @Test func reportsGoOutOnScheduleWithSenderReportsAndCNAME() throws {
        var session = ForwardingFixtures.session()
        var reports: [[RTCPPacket]] = []
        var times: [Instant] = []
        var now = Instant.zero
        var sequence: UInt16 = 0
        // 60 s of a 50 packet/s audio source and a 100 packet/s video source.
        while now < .milliseconds(60_000) {
            session.receiveRTP(mid: "0", packet: ForwardingFixtures.audio(sequence), now: now)
            session.receiveRTP(mid: "1", packet: ForwardingFixtures.video(sequence &* 2), now: now)
            session.receiveRTP(mid: "1", packet: ForwardingFixtures.video(sequence &* 2 &+ 1), now: now)
            if let deadline = session.nextDeadline(), deadline <= now { session.handleTimeout(now: now) }
            let drained = ForwardingFixtures.drain(&session).rtcp
            if drained.contains(where: { if case .senderReport = $0 { true } else { false } }) {
                reports.append(drained)
                times.append(now)
            }
            sequence &+= 1
            now = now + .milliseconds(20)
        }
        // Td = 1 s: the mean interval is 1 s / 1.21828 = 0.82 s, so about 73 reports in 60 s.
        #expect((55...95).contains(reports.count), "\(reports.count) reports")
        let gaps = zip(times, times.dropFirst()).map { ($1 - $0).milliseconds }
        #expect(gaps.allSatisfy { (380...1260).contains($0) }, "\(gaps)")
        #expect(try #require(times.first) <= .milliseconds(640))
        let first = try #require(reports.first)
        guard case let .senderReport(video)? = first.first(where: {
            if case let .senderReport(report) = $0 { report.ssrc == ForwardingFixtures.echoAudioSSRC } else { false }
        }) else {
            Issue.record("no sender report for the forwarded audio: \(first)")
            return
        }
        #expect(Set(video.reports.map(\.ssrc)) == [ForwardingFixtures.sourceAudioSSRC, ForwardingFixtures.sourceVideoSSRC])
        #expect(first.contains { if case let .sourceDescription(sdes) = $0 { sdes.chunks.first?.cname == "echo@test" } else { false } })
        #expect(session.stats.reportsSent == reports.count)
    }

    @Test func theRoundTripComesFromTheOtherSidesReportBlock() {
        var session = ForwardingFixtures.session()
        session.receiveRTP(mid: "0", packet: ForwardingFixtures.audio(1), now: .zero)
        _ = ForwardingFixtures.drain(&session)
        // The other side got our SR at LSR (compact NTP of t = 1 s) and answered 50 ms later; it arrives at 1.08 s.
        let lsr = ForwardingFixtures.ntp.compactNTP(at: .milliseconds(1000))
        let block = ReportBlock(ssrc: ForwardingFixtures.echoAudioSSRC, fractionLost: 64, cumulativeLost: 3,
                                extendedHighestSequenceNumber: 100, jitter: 0, lastSenderReport: lsr,
                                delaySinceLastSenderReport: NTPClock.compact(.milliseconds(50)))
        session.receiveRTCP(ForwardingFixtures.compound([.receiverReport(ReceiverReport(ssrc: SSRC(0x5555),
                                                                                          reports: [block]))]),
                            now: .milliseconds(1080))
        #expect(abs((session.stats.roundTripMs ?? 0) - 30) < 1)
        #expect(session.stats.remoteLossFraction == 0.25)
    }
}
