import Testing
import Wire
@testable import RTP

@Suite struct JitterBufferTests {
    /// Packets of `count` frames (every frame several packets), starting near both wrap points.
    static func stream(frames count: Int, seed: UInt64) -> (packets: [RTPPacket], frames: [[UInt8]]) {
        var generator = SeededGenerator(seed: seed)
        var packetizer = VP8Packetizer(
            ssrc: MediaTestSupport.ssrc, payloadType: MediaTestSupport.vp8Type, initialSequenceNumber: 65_500,
            maxPayloadSize: 500)
        var packets: [RTPPacket] = []
        var frames: [[UInt8]] = []
        for index in 0..<count {
            let frame = MediaTestSupport.frame(
                size: Int(generator.next() % 3000) + 1, keyframe: index == 0, using: &generator)
            frames.append(frame)
            packets += packetizer.packetize(
                frame: frame[...], timestamp: 0xFFFF_0000 &+ UInt32(index) * 3000, keyframe: index == 0)
        }
        return (packets, frames)
    }

    @Test func reordersAndDropsDuplicatesAcrossWrap() {
        let (packets, frames) = Self.stream(frames: 60, seed: 1)
        var generator = SeededGenerator(seed: 2)
        // Local reordering: shuffle within windows of 8, and duplicate every 7th packet.
        var arrival: [RTPPacket] = []
        for start in stride(from: 0, to: packets.count, by: 8) {
            arrival += packets[start..<min(start + 8, packets.count)].shuffled(using: &generator)
        }
        var buffer = JitterBuffer(codec: .vp8)
        var duplicates = 0
        var outputs: [JitterBuffer.Output] = []
        for (index, packet) in arrival.enumerated() {
            let now = Instant.milliseconds(Int64(index))
            buffer.insert(packet, now: now)
            if index % 7 == 0 && buffer.insert(packet, now: now) != .accepted { duplicates += 1 }
            outputs += MediaTestSupport.drain(&buffer)
        }
        let released = MediaTestSupport.frames(outputs)
        #expect(released.map(\.payload) == frames)
        #expect(released.first?.isKeyframe == true)
        #expect(released.dropFirst().allSatisfy { !$0.isKeyframe })
        #expect(released.last?.timestamp == UInt32(0xFFFF_0000) &+ UInt32(59 * 3000))
        #expect(duplicates == (arrival.count + 6) / 7)
        #expect(outputs.count == released.count)
        // A packet of a released frame is too late now.
        #expect(buffer.insert(packets[0], now: .milliseconds(10_000)) == .tooLate)
        #expect(buffer.nextDeadline() == nil)
    }

    @Test func givesUpOnIncompleteFrameAndWithholdsDeltasUntilKeyframe() {
        let (packets, frames) = Self.stream(frames: 6, seed: 3)
        var byFrame: [UInt32: [RTPPacket]] = [:]
        for packet in packets { byFrame[packet.timestamp, default: []].append(packet) }
        let timestamps = (0..<6).map { 0xFFFF_0000 &+ UInt32($0) * 3000 }
        var buffer = JitterBuffer(codec: .vp8, maxWait: .milliseconds(200))
        var now = Instant.milliseconds(0)
        for packet in byFrame[timestamps[0]]! { buffer.insert(packet, now: now) }
        #expect(MediaTestSupport.frames(MediaTestSupport.drain(&buffer)).count == 1)
        // Frame 1 loses its first packet; frame 2 arrives whole.
        now = .milliseconds(33)
        var frame1 = byFrame[timestamps[1]]!
        if frame1.count < 2 { frame1.append(frame1[0]) }
        for packet in frame1.dropFirst() { buffer.insert(packet, now: now) }
        for packet in byFrame[timestamps[2]]! { buffer.insert(packet, now: now) }
        #expect(MediaTestSupport.drain(&buffer).isEmpty)
        #expect(buffer.nextDeadline() == .milliseconds(233))
        buffer.handleTimeout(now: .milliseconds(232))
        #expect(MediaTestSupport.drain(&buffer).isEmpty)
        buffer.handleTimeout(now: .milliseconds(233))
        let outputs = MediaTestSupport.drain(&buffer)
        #expect(outputs == [
            .frameDropped(timestamp: timestamps[1], reason: .incomplete), .keyframeNeeded,
            .frameDropped(timestamp: timestamps[2], reason: .waitingForKeyframe),
        ])
        // A keyframe ends the wait.
        var packetizer = VP8Packetizer(
            ssrc: MediaTestSupport.ssrc, payloadType: MediaTestSupport.vp8Type,
            initialSequenceNumber: packets[packets.count - 1].sequenceNumber &+ 1)
        var generator = SeededGenerator(seed: 4)
        let key = MediaTestSupport.frame(size: 900, keyframe: true, using: &generator)
        for packet in packetizer.packetize(frame: key[...], timestamp: 99_000) {
            buffer.insert(packet, now: .milliseconds(300))
        }
        // Frames 3...5 were never sent here: the gap before the keyframe is skipped after the wait.
        buffer.handleTimeout(now: .milliseconds(600))
        let after = MediaTestSupport.drain(&buffer)
        #expect(after.first == .frameDropped(timestamp: nil, reason: .incomplete))
        #expect(MediaTestSupport.frames(after).map(\.payload) == [key])
        #expect(!after.contains(.keyframeNeeded))
        _ = frames
    }

    @Test func audioSkipsMissingPacketAfterShortWait() {
        var packetizer = OpusPacketizer(
            ssrc: MediaTestSupport.ssrc, payloadType: PayloadType(rawValue: 111)!, initialSequenceNumber: 65_534,
            initialTimestamp: 0)
        let packets = (0..<4).map { packetizer.packetize([UInt8($0)], samples: 960) }
        var buffer = JitterBuffer(codec: .audio)
        buffer.insert(packets[0], now: .milliseconds(0))
        buffer.insert(packets[2], now: .milliseconds(40))
        buffer.insert(packets[3], now: .milliseconds(60))
        #expect(MediaTestSupport.frames(MediaTestSupport.drain(&buffer)).map(\.payload) == [[0]])
        #expect(buffer.nextDeadline() == .milliseconds(100))
        buffer.handleTimeout(now: .milliseconds(100))
        let outputs = MediaTestSupport.drain(&buffer)
        #expect(outputs.first == .frameDropped(timestamp: nil, reason: .incomplete))
        #expect(MediaTestSupport.frames(outputs).map(\.payload) == [[2], [3]])
        #expect(MediaTestSupport.frames(outputs).map(\.firstSequenceNumber.wireValue) == [0, 1])
        #expect(!outputs.contains(.keyframeNeeded))
    }
}
