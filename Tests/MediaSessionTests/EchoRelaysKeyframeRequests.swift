import MediaSession
import RTP
import Testing
import Wire

/// A keyframe request about the stream we forward goes to its source (the echo cannot make a keyframe), at most
/// one per 250 ms, PLI as PLI and FIR as FIR with a new sequence number (RFC 5104 §4.3.1.1).
@Suite struct EchoRelaysKeyframeRequests {
    @Test func aPLIReachesTheSourceAndABurstIsThinned() throws {
        var session = ForwardingFixtures.session()
        session.receiveRTP(mid: "1", packet: ForwardingFixtures.video(0), now: .zero)
        _ = ForwardingFixtures.drain(&session)
        let pli = PictureLossIndication(senderSSRC: SSRC(0x5555), mediaSSRC: ForwardingFixtures.echoVideoSSRC)
        session.receiveRTCP(ForwardingFixtures.compound([.pictureLossIndication(pli)]), now: .milliseconds(10))
        let relayed = ForwardingFixtures.drain(&session).rtcp
        #expect(relayed == [.pictureLossIndication(PictureLossIndication(
            senderSSRC: ForwardingFixtures.echoVideoSSRC, mediaSSRC: ForwardingFixtures.sourceVideoSSRC))])
        session.receiveRTCP(ForwardingFixtures.compound([.pictureLossIndication(pli)]), now: .milliseconds(100))
        #expect(ForwardingFixtures.drain(&session).rtcp.isEmpty)
        let fir = FullIntraRequest(senderSSRC: SSRC(0x5555),
                                   entries: [.init(ssrc: ForwardingFixtures.echoVideoSSRC, sequenceNumber: 9)])
        session.receiveRTCP(ForwardingFixtures.compound([.fullIntraRequest(fir)]), now: .milliseconds(300))
        let firs = ForwardingFixtures.drain(&session).rtcp
        guard case let .fullIntraRequest(up)? = firs.first else {
            Issue.record("expected a FIR upstream, got \(firs)")
            return
        }
        #expect(up.entries.map(\.ssrc) == [ForwardingFixtures.sourceVideoSSRC])
        #expect(session.stats.keyframeRequestsReceived == 3 && session.stats.keyframeRequestsRelayed == 2)
    }

    @Test func aRequestBeforeTheSourceIsKnownHasNowhereToGo() {
        var session = ForwardingFixtures.session()
        let pli = PictureLossIndication(senderSSRC: SSRC(0x5555), mediaSSRC: ForwardingFixtures.echoVideoSSRC)
        session.receiveRTCP(ForwardingFixtures.compound([.pictureLossIndication(pli)]), now: .zero)
        #expect(ForwardingFixtures.drain(&session).rtcp.isEmpty)
    }
}
