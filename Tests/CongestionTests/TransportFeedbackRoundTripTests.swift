import Testing
import Wire
import RTP
@testable import Congestion

@Suite struct TransportFeedbackRoundTripTests {
    /// Sends `count` packets through a log starting at `first`, 2 ms apart; returns their wire numbers.
    private func send(_ log: inout SentPacketLog, count: Int, start: Instant) -> [UInt16] {
        (0..<count).map { index in
            log.recordSent(size: 1_000, kind: .video, now: start + .milliseconds(2 * Int64(index)))
        }
    }

    /// Encodes and parses, as the wire would.
    private func wire(_ feedback: TransportFeedback) throws -> TransportFeedback {
        var writer = ByteWriter()
        feedback.encode(into: &writer)
        return try TransportFeedback(parsing: writer.bytes[...])
    }

    @Test func wrapReorderDuplicateAndLossSurviveTheRoundTrip() throws {
        var log = SentPacketLog(firstSequenceNumber: 65_530)
        let numbers = send(&log, count: 12, start: .milliseconds(1_000))
        #expect(numbers.first == 65_530)
        #expect(numbers.last == 5)  // wrapped
        var generator = TransportFeedbackGenerator(senderSSRC: SSRC(1), mediaSSRC: SSRC(2))
        // Arrivals 30 ms later on a receiver clock offset by 7 s; #3 and #4 swapped, #6 lost, #8 duplicated.
        var order = Array(0..<12)
        order.swapAt(3, 4)
        order.removeAll { $0 == 6 }
        order.insert(8, at: 9)
        var expected: [Int: Instant] = [:]
        for (position, index) in order.enumerated() {
            let arrival = Instant.milliseconds(8_030 + 2 * Int64(position)) + .microseconds(137)
            if expected[index] == nil { expected[index] = arrival }
            generator.record(sequenceNumber: numbers[index], arrival: arrival)
        }
        let deadline = try #require(generator.nextDeadline())
        #expect(deadline == expected[0]! + .milliseconds(50))
        generator.handleTimeout(now: deadline)
        let polled = generator.pollFeedback()
        let feedback = try wire(try #require(polled))
        let more = generator.pollFeedback()
        #expect(more == nil)
        #expect(generator.nextDeadline() == nil)
        #expect(feedback.baseSequenceNumber == 65_530)
        #expect(feedback.packetStatusCount == 12)
        #expect(feedback.feedbackPacketCount == 0)

        let results = log.handle(feedback)
        #expect(results.count == 12)
        #expect(results.map(\.sent.sequenceNumber) == (0..<12).map { 65_530 + Int64($0) })
        #expect(results[6].arrival == nil)
        // Arrival differences survive to within the 250 µs tick.
        let origin = try #require(results[0].arrival)
        for (index, result) in results.enumerated() where index != 6 {
            let arrival = try #require(result.arrival)
            let measured = (arrival - origin).milliseconds
            let truth = (expected[index]! - expected[0]!).milliseconds
            #expect(abs(measured - truth) <= 0.25, "packet \(index)")
        }
    }

    @Test func lateArrivalIsReportedAgainAsReceived() throws {
        var log = SentPacketLog()
        let numbers = send(&log, count: 6, start: .zero)
        var generator = TransportFeedbackGenerator(senderSSRC: SSRC(1), mediaSSRC: SSRC(2))
        for index in [0, 1, 3, 4, 5] {
            generator.record(sequenceNumber: numbers[index], arrival: .milliseconds(20 + 2 * Int64(index)))
        }
        generator.flush(now: .milliseconds(40))
        let firstFeedback = generator.pollFeedback()
        let first = log.handle(try wire(try #require(firstFeedback)))
        #expect(first.map(\.isReceived) == [true, true, false, true, true, true])
        generator.record(sequenceNumber: numbers[2], arrival: .milliseconds(45))
        generator.record(sequenceNumber: numbers[2], arrival: .milliseconds(46))  // duplicate
        generator.flush(now: .milliseconds(90))
        let secondFeedback = generator.pollFeedback()
        let second = try wire(try #require(secondFeedback))
        #expect(second.feedbackPacketCount == 1)
        let results = log.handle(second)
        #expect(results.count == 1)
        #expect(results.first?.sent.sequenceNumber == 2)
        #expect(results.first?.isReceived == true)
        #expect(log.missedFeedbackPackets == 0)
    }

    @Test func feedbackIsDeadlineDrivenAndCountsPackets() throws {
        var generator = TransportFeedbackGenerator(senderSSRC: SSRC(1), mediaSSRC: SSRC(2),
                                                   interval: .milliseconds(20))
        #expect(generator.interval == .milliseconds(50))  // clamped to 50–100 ms
        #expect(generator.nextDeadline() == nil)
        var produced = 0
        var now = Instant.zero
        for sequence in 0..<200 {
            now = .milliseconds(Int64(sequence) * 5)
            generator.record(sequenceNumber: UInt16(sequence), arrival: now)
            if let deadline = generator.nextDeadline(), deadline <= now {
                generator.handleTimeout(now: now)
                while generator.pollFeedback() != nil { produced += 1 }
            }
        }
        // 1 s of packets at one feedback per 50 ms.
        #expect((19...20).contains(produced))
        #expect(generator.feedbackPacketCount == UInt8(produced))
    }

    @Test func missedFeedbackIsCountedFromGaps() throws {
        var log = SentPacketLog()
        let numbers = send(&log, count: 3, start: .zero)
        for count: UInt8 in [254, 255, 2] {  // 0 and 1 were lost, across the wrap
            let feedback = try #require(TransportFeedback(
                senderSSRC: SSRC(1), mediaSSRC: SSRC(2), feedbackPacketCount: count,
                baseSequenceNumber: numbers[0], arrivalTimesMicroseconds: [1_000]))
            _ = log.handle(feedback)
        }
        #expect(log.missedFeedbackPackets == 2)
    }
}
