import RTP
import Testing
import Wire

/// VP8 over RTP through `VP8Packetizer` and `VideoJitterBuffer`: reassembly, reordering, NACK with RTX repair,
/// giving up with PLI, and withholding frames until a keyframe.
@Suite struct VideoJitterBufferTests {
    static let mediaSSRC = SSRC(0x1111), rtxSSRC = SSRC(0x2222)
    static let vp8 = PayloadType(rawValue: 96)!, rtx = PayloadType(rawValue: 97)!

    /// A fake encoder's output: VP8's first byte says keyframe (P bit 0) or not (RFC 7741 §4.3).
    static func frame(_ index: Int, size: Int, key: Bool) -> [UInt8] {
        var generator = SeededGenerator(seed: UInt64(index))
        var bytes = generator.bytes(size)
        bytes[0] = key ? 0x10 : 0x11
        return bytes
    }

    /// Packets of frames, numbered from `firstSequence`, 3000 ticks apart.
    static func packets(_ frames: [[UInt8]], firstSequence: UInt16 = 1000) -> [RTPPacket] {
        var packetizer = VP8Packetizer(ssrc: mediaSSRC, payloadType: vp8, initialSequenceNumber: firstSequence,
                                       maxPayloadSize: 500)
        var result: [RTPPacket] = []
        for (index, frame) in frames.enumerated() {
            result += packetizer.packetize(frame: frame[...], timestamp: UInt32(index * 3000), keyframe: frame[0] == 0x10)
        }
        return result
    }

    static func rtxCopy(of packet: RTPPacket, sequence: UInt16) -> RTPPacket {
        let payload = [UInt8(packet.sequenceNumber >> 8), UInt8(packet.sequenceNumber & 0xFF)] + packet.payload
        return RTPPacket(marker: packet.marker, payloadType: rtx, sequenceNumber: sequence,
                         timestamp: packet.timestamp, ssrc: rtxSSRC, payload: payload[...])
    }

    static func nacked(_ feedback: [UInt8]) -> [UInt16] {
        guard let compound = try? RTCPCompound(parsing: feedback) else { return [] }
        return compound.packets.flatMap { packet -> [UInt16] in
            if case let .genericNack(nack) = packet { return nack.lostSequenceNumbers }
            return []
        }
    }

    @Test func framesSurvivePacketizingAndReassemblyInOrder() {
        let frames = [Self.frame(0, size: 4_000, key: true)] + (1..<20).map { Self.frame($0, size: 50 + $0 * 97, key: false) }
        var buffer = VideoJitterBuffer(rtxPayloadType: Self.rtx)
        var out: [[UInt8]] = []
        for packet in Self.packets(frames) {
            buffer.receive(packet, now: .zero)
            out += buffer.poll(now: .zero).frames
        }
        #expect(out == frames)
    }

    @Test func reorderedPacketsStillGiveFramesInOrder() {
        let frames = [Self.frame(0, size: 3_000, key: true)] + (1..<10).map { Self.frame($0, size: 1_200, key: false) }
        var packets = Self.packets(frames, firstSequence: 65_530)   // also crosses the 16-bit wrap
        var generator = SeededGenerator(seed: 9)
        // Swap neighbours at random: the jitter a real path adds.
        for index in stride(from: 0, to: packets.count - 1, by: 1) where Bool.random(using: &generator) {
            packets.swapAt(index, index + 1)
        }
        var buffer = VideoJitterBuffer(rtxPayloadType: Self.rtx)
        var out: [[UInt8]] = []
        var now = Instant.zero
        for packet in packets {
            now = now + .milliseconds(2)
            buffer.receive(packet, now: now)
            out += buffer.poll(now: now).frames
        }
        #expect(out == frames)
    }

    @Test func aLostPacketIsNackedAndRepairedByRTX() {
        let frames = [Self.frame(0, size: 2_000, key: true), Self.frame(1, size: 2_000, key: false),
                      Self.frame(2, size: 300, key: false)]
        var packets = Self.packets(frames)
        let lost = packets.remove(at: 5)   // inside frame 1
        var buffer = VideoJitterBuffer(rtxPayloadType: Self.rtx)
        var out: [[UInt8]] = []
        var nacks: [UInt16] = []
        for packet in packets {
            buffer.receive(packet, now: .milliseconds(10))
            let output = buffer.poll(now: .milliseconds(10))
            out += output.frames
            nacks += Self.nacked(output.feedback)
        }
        #expect(nacks == [lost.sequenceNumber])
        #expect(out == [frames[0]], "frame 1 waits for its packet; frame 2 waits behind it")
        buffer.receive(Self.rtxCopy(of: lost, sequence: 1), now: .milliseconds(20))
        out += buffer.poll(now: .milliseconds(20)).frames
        #expect(out == frames)
    }

    @Test func aWholeLostFrameHoldsBackTheNextUntilRepaired() {
        let frames = [Self.frame(0, size: 400, key: true), Self.frame(1, size: 400, key: false),
                      Self.frame(2, size: 400, key: false)]
        var packets = Self.packets(frames)
        let lost = packets.remove(at: 1)   // frame 1 is a single packet
        var buffer = VideoJitterBuffer(rtxPayloadType: Self.rtx)
        var out: [[UInt8]] = []
        for packet in packets {
            buffer.receive(packet, now: .milliseconds(10))
            out += buffer.poll(now: .milliseconds(10)).frames
        }
        // Frame 2 is complete but must not reach the decoder before frame 1, which it references.
        #expect(out == [frames[0]])
        buffer.receive(Self.rtxCopy(of: lost, sequence: 7), now: .milliseconds(30))
        out += buffer.poll(now: .milliseconds(30)).frames
        #expect(out == frames)
    }

    @Test func anUnrepairableFrameIsDroppedThenKeyframeRequestedAndAwaited() {
        let frames = [Self.frame(0, size: 1_500, key: true), Self.frame(1, size: 1_500, key: false),
                      Self.frame(2, size: 300, key: false), Self.frame(3, size: 1_500, key: true),
                      Self.frame(4, size: 300, key: false)]
        var packets = Self.packets(frames)
        packets.remove(at: 4)   // a middle packet of frame 1, never repaired
        var buffer = VideoJitterBuffer(rtxPayloadType: Self.rtx)
        var out: [[UInt8]] = []
        var plis = 0, dropped = 0, nackRounds = 0
        var now = Instant.zero
        // Frames 0...2 arrive, then time passes with no repair.
        for packet in packets where packet.timestamp <= 6_000 {
            buffer.receive(packet, now: now)
            let output = buffer.poll(now: now)
            out += output.frames
            if output.nacks > 0 { nackRounds += 1 }
        }
        while now < .milliseconds(600) {
            now = buffer.nextDeadline().map { max($0, now + .milliseconds(1)) } ?? now + .milliseconds(10)
            buffer.handleTimeout(now: now)
            let output = buffer.poll(now: now)
            out += output.frames
            plis += output.plis
            dropped += output.dropped
            if output.nacks > 0 { nackRounds += 1 }
        }
        #expect(out == [frames[0]])
        #expect(nackRounds == 10, "asked NackGenerator.maxRetries (10) times, then gave up")
        #expect(dropped == 2, "frame 1 given up, frame 2 withheld: it references frame 1")
        #expect(plis >= 1)
        // The keyframe the PLI asked for restarts decoding.
        for packet in packets where packet.timestamp > 6_000 {
            buffer.receive(packet, now: now)
            out += buffer.poll(now: now).frames
        }
        #expect(out == [frames[0], frames[3], frames[4]])
    }
}
