import MediaSession
import RTP
import Testing
import Wire

/// The forwarding path sends each stream back as this side's own: our SSRC and a random start for sequence
/// numbers and timestamps, with the source's spacing (and gaps) kept, payloads untouched, no decoding.
@Suite struct EchoForwardingRewritesStreams {
    @Test func videoAndAudioLeaveWithOurIdentityAndTheSourceSpacing() {
        var session = ForwardingFixtures.session()
        var sent: [(Mid, RTPPacket)] = []
        for sequence in UInt16(100)..<110 where sequence != 105 {
            session.receiveRTP(mid: "1", packet: ForwardingFixtures.video(sequence), now: .milliseconds(Int64(sequence)))
            session.receiveRTP(mid: "0", packet: ForwardingFixtures.audio(sequence), now: .milliseconds(Int64(sequence)))
            sent += ForwardingFixtures.drain(&session).rtp
        }
        let video = sent.filter { $0.0 == "1" }.map(\.1)
        let audio = sent.filter { $0.0 == "0" }.map(\.1)
        #expect(video.count == 9 && audio.count == 9)
        #expect(video.allSatisfy { $0.ssrc == ForwardingFixtures.echoVideoSSRC && $0.payloadType == ForwardingFixtures.vp8 })
        #expect(audio.allSatisfy { $0.ssrc == ForwardingFixtures.echoAudioSSRC })
        // Consecutive where the source was, with the gap of the lost packet 105 kept.
        let steps = zip(video, video.dropFirst()).map { $1.sequenceNumber &- $0.sequenceNumber }
        #expect(steps == [1, 1, 1, 1, 2, 1, 1, 1])
        #expect(video[0].timestamp &- ForwardingFixtures.video(100).timestamp != 0 || video[0].sequenceNumber != 100)
        #expect(video[3].timestamp &- video[0].timestamp == 3000)
        #expect(video.map(\.payload) == (UInt16(100)..<110).filter { $0 != 105 }.map { ForwardingFixtures.video($0).payload })
        #expect(session.stats.packetsForwarded == 18 && session.stats.packetsDropped == 0)
    }

    @Test func aPacketOnASectionWithoutARouteIsDroppedAndCounted() {
        var session = ForwardingFixtures.session()
        session.receiveRTP(mid: "9", packet: ForwardingFixtures.video(1), now: .zero)
        #expect(ForwardingFixtures.drain(&session).rtp.isEmpty)
        #expect(session.stats.packetsDropped == 1)
    }

    @Test func aNewSourceSSRCContinuesTheOutboundNumbering() {
        var session = ForwardingFixtures.session()
        session.receiveRTP(mid: "0", packet: ForwardingFixtures.audio(10), now: .zero)
        var restarted = ForwardingFixtures.audio(60_000)
        restarted.ssrc = SSRC(0x3333)
        session.receiveRTP(mid: "0", packet: restarted, now: .milliseconds(20))
        let sent = ForwardingFixtures.drain(&session).rtp.map(\.1)
        #expect(sent.count == 2)
        #expect(sent[1].sequenceNumber == sent[0].sequenceNumber &+ 1)
        #expect(sent[1].ssrc == ForwardingFixtures.echoAudioSSRC)
    }
}
