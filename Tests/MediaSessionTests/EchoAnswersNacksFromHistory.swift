import MediaSession
import RTP
import Testing
import Wire

/// Loss on either leg of an echo: a NACK from downstream is answered from the forwarder's own history (as RTX,
/// RFC 4588), and a gap upstream is NACKed to the source at once; the repair, when it comes, is forwarded in place.
@Suite struct EchoAnswersNacksFromHistory {
    @Test func aDownstreamNackIsAnsweredWithRTXFromHistory() throws {
        var session = ForwardingFixtures.session()
        var sent: [RTPPacket] = []
        for sequence in UInt16(0)..<20 {
            session.receiveRTP(mid: "1", packet: ForwardingFixtures.video(sequence), now: .milliseconds(Int64(sequence) * 10))
            sent += ForwardingFixtures.drain(&session).rtp.map(\.1)
        }
        let lost = [sent[4].sequenceNumber, sent[7].sequenceNumber]
        let nack = GenericNack(senderSSRC: SSRC(0x5555), mediaSSRC: ForwardingFixtures.echoVideoSSRC, lost: lost)
        session.receiveRTCP(ForwardingFixtures.compound([.genericNack(nack)]), now: .milliseconds(250))
        let resent = ForwardingFixtures.drain(&session).rtp.map(\.1)
        #expect(resent.count == 2)
        for (rtx, original) in zip(resent, [sent[4], sent[7]]) {
            #expect(rtx.ssrc == ForwardingFixtures.echoRTXSSRC && rtx.payloadType == ForwardingFixtures.rtx)
            // RFC 4588 §4: the original sequence number, then the original payload.
            let osn = UInt16(rtx.payload.first!) << 8 | UInt16(rtx.payload.dropFirst().first!)
            #expect(osn == original.sequenceNumber)
            #expect(Array(rtx.payload.dropFirst(2)) == Array(original.payload))
        }
        #expect(session.stats.nacksReceived == 1 && session.stats.packetsResent == 2)
        // A NACK about a stream we do not send is not ours to answer.
        let foreign = GenericNack(senderSSRC: SSRC(0x5555), mediaSSRC: SSRC(0x9999), lost: lost)
        session.receiveRTCP(ForwardingFixtures.compound([.genericNack(foreign)]), now: .milliseconds(300))
        #expect(ForwardingFixtures.drain(&session).rtp.isEmpty)
    }

    @Test func anUpstreamGapIsNackedAtOnceRepeatedAndRepairedInPlace() throws {
        var session = ForwardingFixtures.session()
        var out: [RTPPacket] = []
        var nacks: [GenericNack] = []
        func take(_ drained: (rtp: [(Mid, RTPPacket)], rtcp: [RTCPPacket])) {
            out += drained.rtp.map(\.1)
            for case let .genericNack(nack) in drained.rtcp { nacks.append(nack) }
        }
        for sequence in UInt16(0)..<6 where sequence != 3 {
            session.receiveRTP(mid: "1", packet: ForwardingFixtures.video(sequence), now: .milliseconds(Int64(sequence) * 10))
            take(ForwardingFixtures.drain(&session))
        }
        #expect(nacks.count == 1)
        #expect(nacks.first?.mediaSSRC == ForwardingFixtures.sourceVideoSSRC)
        #expect(nacks.first?.lostSequenceNumbers == [3])
        // Unanswered, it is asked for again once the retry interval (100 ms before an RTT is known) has passed.
        let deadline = try #require(session.nextDeadline())
        #expect(deadline <= .milliseconds(150))
        session.handleTimeout(now: deadline)
        take(ForwardingFixtures.drain(&session))
        #expect(nacks.count == 2)
        // The source's RTX repair is unwrapped and forwarded with the sequence number the gap left for it.
        let original = ForwardingFixtures.video(3)
        var repair = RTPPacket(marker: original.marker, payloadType: ForwardingFixtures.rtx, sequenceNumber: 500,
                               timestamp: original.timestamp, ssrc: SSRC(0x1112),
                               payload: ([0, 3] + Array(original.payload))[...])
        repair.marker = original.marker
        session.receiveRTP(mid: "1", packet: repair, now: .milliseconds(200))
        take(ForwardingFixtures.drain(&session))
        let filled = try #require(out.last)
        #expect(filled.sequenceNumber == out[2].sequenceNumber &+ 1)
        #expect(filled.payloadType == ForwardingFixtures.vp8 && filled.payload == original.payload)
        #expect(session.stats.repairsReceived == 1)
        // Repaired: no more NACKs for it.
        session.handleTimeout(now: .milliseconds(400))
        take(ForwardingFixtures.drain(&session))
        #expect(nacks.count == 2)
    }
}
