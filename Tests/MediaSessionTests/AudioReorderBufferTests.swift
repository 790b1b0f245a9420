import RTP
import Testing
import Wire
@testable import MediaSession

/// Audio packets back in order before the decoder: reordered packets are put back, a lost one is waited for only
/// as long as reordering has needed, and nothing waits when nothing is missing.
@Suite struct AudioReorderBufferTests {
    func packet(_ sequence: UInt16) -> RTPPacket {
        RTPPacket(payloadType: PayloadType(truncating: 111), sequenceNumber: sequence,
                  timestamp: UInt32(sequence) &* 960, ssrc: SSRC(7), payload: [0x78, UInt8(truncatingIfNeeded: sequence)])
    }

    func numbers(_ packets: [RTPPacket]) -> [UInt16] { packets.map(\.sequenceNumber) }

    @Test func inOrderPacketsPassAtOnce() {
        var buffer = AudioReorderBuffer()
        for sequence in UInt16(65_530)...65_535 {
            #expect(numbers(buffer.insert(packet(sequence), now: .milliseconds(Int64(sequence - 65_530) * 20))) == [sequence])
        }
        #expect(numbers(buffer.insert(packet(0), now: .milliseconds(200))) == [0], "across the wrap")
        #expect(buffer.nextDeadline() == nil)
    }

    @Test func anOvertakenPacketIsPutBackInPlace() {
        var buffer = AudioReorderBuffer()
        _ = buffer.insert(packet(10), now: .zero)
        #expect(buffer.insert(packet(12), now: .milliseconds(40)).isEmpty)
        #expect(buffer.insert(packet(13), now: .milliseconds(60)).isEmpty)
        #expect(numbers(buffer.insert(packet(11), now: .milliseconds(65))) == [11, 12, 13])
        #expect(buffer.reordered == 1 && buffer.late == 0 && buffer.gapsSkipped == 0)
        // The wait now covers a packet 25 ms late, with a margin.
        #expect(buffer.wait >= .milliseconds(25) && buffer.wait <= .milliseconds(40))
    }

    @Test func aLostPacketIsGivenUpAfterTheWaitAndALateOneDropped() {
        var buffer = AudioReorderBuffer()
        _ = buffer.insert(packet(1), now: .zero)
        #expect(buffer.insert(packet(3), now: .milliseconds(40)).isEmpty)
        let due = buffer.nextDeadline()
        #expect(due == Instant.milliseconds(40) + buffer.wait)
        #expect(buffer.handleTimeout(now: .milliseconds(45)).isEmpty, "not due yet")
        #expect(numbers(buffer.handleTimeout(now: due ?? .zero)) == [3])
        #expect(buffer.gapsSkipped == 1)
        #expect(buffer.insert(packet(2), now: .milliseconds(100)).isEmpty)
        #expect(buffer.late == 1)
        #expect(numbers(buffer.insert(packet(4), now: .milliseconds(100))) == [4])
    }

    @Test func theWaitStaysWithinItsBounds() {
        var buffer = AudioReorderBuffer()
        _ = buffer.insert(packet(0), now: .zero)
        // A packet 500 ms late is not a reason to hold audio half a second.
        _ = buffer.insert(packet(2), now: .milliseconds(20))
        _ = buffer.insert(packet(1), now: .milliseconds(520))
        #expect(buffer.wait == AudioReorderBuffer.maximumWait)
    }

    @Test func tooManyHeldPacketsGiveUpTheGapAtOnce() {
        var buffer = AudioReorderBuffer()
        _ = buffer.insert(packet(0), now: .zero)
        var released: [UInt16] = []
        for sequence in UInt16(2)...UInt16(2 + AudioReorderBuffer.capacity) {
            released += numbers(buffer.insert(packet(sequence), now: .milliseconds(1)))
        }
        #expect(released == Array(UInt16(2)...UInt16(2 + AudioReorderBuffer.capacity)))
    }
}
