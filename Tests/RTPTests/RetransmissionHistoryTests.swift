import Testing
import Wire
@testable import RTP

@Suite struct RetransmissionHistoryTests {
    static func sent(count: Int, from first: UInt16) -> [RTPPacket] {
        var packets: [RTPPacket] = []
        for index in 0..<count {
            let payload: [UInt8] = [UInt8(truncatingIfNeeded: index), 0xAB]
            packets.append(RTPPacket(
                marker: index % 3 == 2, payloadType: MediaTestSupport.vp8Type,
                sequenceNumber: first &+ UInt16(index), timestamp: UInt32(index / 3) * 3000,
                ssrc: MediaTestSupport.ssrc, payload: payload[...]))
        }
        return packets
    }

    @Test func answersNackWithOriginals() {
        var history = RetransmissionHistory(capacity: 600)
        let packets = Self.sent(count: 700, from: 65_000)
        for packet in packets { history.packetSent(packet) }
        let nack = GenericNack(
            senderSSRC: SSRC(9), mediaSSRC: MediaTestSupport.ssrc, lost: [65_000, 65_535, 0, 163, 164])
        let resent = history.handle(nack, now: .zero)
        // 65_000 fell out of the 600-packet history; 164 was never sent.
        #expect(resent == [packets[535], packets[536], packets[699]])
        // Asked again at once: not resent twice within the minimum interval.
        #expect(history.handle(nack, now: .milliseconds(5)).isEmpty)
        #expect(history.handle(nack, now: .milliseconds(20)).count == 3)
    }

    /// The history keeps copies in slots of its own: the sender may reuse its buffer at once (the forwarding path
    /// decrypts the next packet into the same memory), and a slot reused by a later packet answers for that one.
    @Test func keepsCopiesNotTheSendersBuffers() {
        var history = RetransmissionHistory(capacity: 4)
        var buffer: [UInt8] = [0x80, 96, 0, 10, 0, 0, 0, 1, 0, 0, 0, 7, 1, 2, 3]
        let packet = try? RTPPacket(parsing: buffer[...])
        if let packet { history.packetSent(packet) }
        for index in 12..<buffer.count { buffer[index] = 0xEE }
        #expect(history.packet(sequenceNumber: 10)?.payload.elementsEqual([1, 2, 3]) == true)
        for sequence in UInt16(11)...14 {
            history.packetSent(RTPPacket(payloadType: MediaTestSupport.vp8Type, sequenceNumber: sequence,
                                         timestamp: 0, ssrc: SSRC(7), payload: [UInt8(sequence)][...]))
        }
        #expect(history.packet(sequenceNumber: 10) == nil, "its slot now holds 14")
        #expect(history.packet(sequenceNumber: 14)?.payload.elementsEqual([14]) == true)
    }

    @Test func wrapsAsRTXAndUnwrapsBack() throws {
        let rtx = RetransmissionHistory.RTX(ssrc: SSRC(0xBEEF), payloadType: MediaTestSupport.rtxType,
                                            initialSequenceNumber: 65_535)
        var history = RetransmissionHistory(capacity: 600, rtx: rtx)
        let packets = Self.sent(count: 10, from: 300)
        for packet in packets { history.packetSent(packet) }
        let resent = history.handle(
            GenericNack(senderSSRC: SSRC(9), mediaSSRC: MediaTestSupport.ssrc, lost: [302, 305]), now: .zero)
        #expect(resent.map(\.sequenceNumber) == [65_535, 0])
        #expect(resent.allSatisfy { $0.ssrc == SSRC(0xBEEF) && $0.payloadType == MediaTestSupport.rtxType })
        #expect(Array(resent[0].payload) == [0x01, 0x2E, 2, 0xAB])
        let unwrapper = RTXDepacketizer(originalSSRC: MediaTestSupport.ssrc,
                                        originalPayloadType: MediaTestSupport.vp8Type)
        let wire = try RTPPacket(parsing: resent[1].encoded)
        #expect(unwrapper.unwrap(wire) == packets[5])
        // Malformed RTX payloads do not trap.
        var short = wire
        short.payload = [0x01][...]
        #expect(unwrapper.unwrap(short) == nil)
        short.payload = [][...]
        #expect(unwrapper.unwrap(short) == nil)
    }

    @Test func rateLimitCapsResends() {
        var history = RetransmissionHistory(capacity: 600)
        history.maxResendBytesPerSecond = 4000
        var packets: [RTPPacket] = []
        for index in 0..<100 {
            let packet = RTPPacket(payloadType: MediaTestSupport.vp8Type, sequenceNumber: UInt16(index),
                                   timestamp: 0, ssrc: MediaTestSupport.ssrc,
                                   payload: ArraySlice(repeating: 0, count: 488))
            packets.append(packet)
            history.packetSent(packet)
        }
        let nack = GenericNack(senderSSRC: SSRC(9), mediaSSRC: MediaTestSupport.ssrc, lost: (0..<100).map { $0 })
        // Budget: a quarter second of 4000 B/s plus 1500 bytes = 2500 bytes = five 500-byte packets.
        #expect(history.handle(nack, now: .zero).count == 5)
    }
}
