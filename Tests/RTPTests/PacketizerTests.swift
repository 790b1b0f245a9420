import Testing
import Wire
@testable import RTP

@Suite struct PacketizerTests {
    @Test func opusAdvancesTimestampBySamplesAndWraps() {
        var packetizer = OpusPacketizer(
            ssrc: MediaTestSupport.ssrc, payloadType: PayloadType(rawValue: 111)!,
            initialSequenceNumber: 0xFFFF, initialTimestamp: 0xFFFF_FE00)
        let first = packetizer.packetize([1, 2, 3], samples: 960, afterSilence: true)
        let second = packetizer.packetize([4], samples: 960)
        #expect(first.sequenceNumber == 0xFFFF && second.sequenceNumber == 0)
        #expect(first.timestamp == 0xFFFF_FE00 && second.timestamp == 0xFFFF_FE00 &+ 960)
        #expect(first.marker && !second.marker)
        #expect(Array(second.payload) == [4])
        #expect(OpusPacketizer.clockRate == 48_000)
    }

    @Test(arguments: [1, 100, 1175, 1176, 1177, 5_000, 14_000, 40_000])
    func vp8RoundTrip(size: Int) throws {
        var generator = SeededGenerator(seed: UInt64(size))
        var packetizer = VP8Packetizer(
            ssrc: MediaTestSupport.ssrc, payloadType: MediaTestSupport.vp8Type, initialSequenceNumber: 65_530,
            initialPictureID: 0x7FFF, maxPayloadSize: 1180)
        let frame = MediaTestSupport.frame(size: size, keyframe: true, using: &generator)
        let packets = packetizer.packetize(frame: frame[...], timestamp: 0xFFFF_FFF0, keyframe: true)
        #expect(packets.count == (size + 1175) / 1176)
        var depacketizer = VP8Depacketizer()
        var result = VP8Depacketizer.Result()
        for (index, packet) in packets.enumerated() {
            #expect(packet.payload.count <= 1180)
            #expect(packet.marker == (index == packets.count - 1))
            #expect(packet.sequenceNumber == 65_530 &+ UInt16(index))
            let (descriptor, _) = try VP8PayloadDescriptor.parse(packet.payload)
            #expect(descriptor.startsFrame == (index == 0))
            #expect(descriptor.pictureID == .init(0x7FFF, isLong: true))
            // Reparse from the wire to prove the packet encodes.
            let wire = try RTPPacket(parsing: packet.encoded)
            result = depacketizer.push(wire)
            #expect(result.incompleteTimestamp == nil)
        }
        #expect(result.frame == .init(timestamp: 0xFFFF_FFF0, isKeyframe: true, payload: frame))
        #expect(VP8PayloadDescriptor.isKeyFrame(packets[0].payload))
        // PictureID wraps within 15 bits.
        let next = packetizer.packetize(frame: [1, 2], timestamp: 3000)
        let (descriptor, _) = try VP8PayloadDescriptor.parse(next[0].payload)
        #expect(descriptor.pictureID?.value == 0)
    }

    @Test func depacketizerReportsMissingMiddleAndStart() {
        var generator = SeededGenerator(seed: 7)
        var packetizer = VP8Packetizer(
            ssrc: MediaTestSupport.ssrc, payloadType: MediaTestSupport.vp8Type, initialSequenceNumber: 10)
        let first = packetizer.packetize(
            frame: MediaTestSupport.frame(size: 3000, keyframe: false, using: &generator)[...], timestamp: 100)
        let second = packetizer.packetize(frame: [0x01, 2, 3][...], timestamp: 200)
        var depacketizer = VP8Depacketizer()
        #expect(depacketizer.push(first[0]) == .init())
        // first[1] lost: first[2] cannot continue the frame.
        #expect(depacketizer.push(first[2]).incompleteTimestamp == 100)
        // A one-packet delta frame afterwards is whole again.
        let result = depacketizer.push(second[0])
        #expect(result.frame == .init(timestamp: 200, isKeyframe: false, payload: [0x01, 2, 3]))
        #expect(result.incompleteTimestamp == nil)
    }
}
