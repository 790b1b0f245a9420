import Testing
import Wire
@testable import RTP

@Suite struct TransportFeedbackTests {
    @Test func fixtureFieldsAndBothChunkKinds() throws {
        let feedback = try TransportFeedback(parsing: Fixtures.rtcp("transport-cc.hex")[...])
        #expect(feedback.senderSSRC == SSRC(0x1122_3344))
        #expect(feedback.mediaSSRC == SSRC(0x5F3E_2D1C))
        #expect(feedback.baseSequenceNumber == 100)
        #expect(feedback.packetStatusCount == 34)
        #expect(feedback.referenceTime == 0x01_D2F3)
        #expect(feedback.referenceTimeMicroseconds == Int64(0x01_D2F3) * 64_000)
        #expect(feedback.feedbackPacketCount == 7)
        #expect(feedback.chunks == [
            .runLength(.receivedSmallDelta, length: 14),
            .oneBitVector(0b10_1100_1111_1111),
            .twoBitVector(0b10_0100_0101_0100),
        ])
        #expect(feedback.deltas.count == 30)
        let packets = feedback.packets
        #expect(packets.count == 34)
        #expect(packets.map(\.sequenceNumber) == Array(100...133))
        #expect(packets[0] == .received(100, delta: 4))
        #expect(packets[7] == .received(107, delta: 250))
        #expect(packets[14] == .received(114, delta: 4))
        #expect(packets[15] == .lost(115))
        #expect(packets[16] == .received(116, delta: 5))
        #expect(packets[28] == PacketResultFixture.large(128, -12))
        #expect(packets[29] == .received(129, delta: 16))
        #expect(packets[30] == .lost(130))
        #expect(packets[33] == .received(133, delta: 19))
        #expect(packets.filter { $0.status == .notReceived }.count == 4)
    }

    @Test func negativeReferenceTimeIsSignExtended() throws {
        let feedback = TransportFeedback(senderSSRC: SSRC(1), mediaSSRC: SSRC(2), referenceTime: -2,
                                         feedbackPacketCount: 0, packets: [.received(5, delta: 1)])
        var writer = ByteWriter()
        feedback.encode(into: &writer)
        #expect(hex(writer.bytes[16..<19]) == "fffffe")
        #expect(try TransportFeedback(parsing: writer.bytes[...]).referenceTime == -2)
    }

    static let models: [[TransportFeedback.PacketResult]] = {
        var generator = SeededGenerator(seed: 7)
        var models: [[TransportFeedback.PacketResult]] = [
            [.received(65_534, delta: 0)],
            [.received(65_535, delta: 3), .lost(0), .received(1, delta: 300), .received(2, delta: -4)],
            (0..<20).map { .received(UInt16($0), delta: 4) },  // one long run
            (0..<9000).map { .lost(UInt16($0)) } + [.received(9000, delta: 1)],  // run longer than 8191
            (0..<14).map { $0 % 2 == 0 ? .received(UInt16($0), delta: 8) : .lost(UInt16($0)) },
            (0..<10).map { .received(UInt16($0), delta: $0 == 5 ? -1 : 2) } + (10..<30).map { .lost(UInt16($0)) },
        ]
        for size in [3, 30, 200] {
            var model: [TransportFeedback.PacketResult] = []
            for index in 0..<size {
                let sequence = UInt16(truncatingIfNeeded: 65_500 + index)
                switch Int.random(in: 0..<6, using: &generator) {
                case 0: model.append(.lost(sequence))
                case 1: model.append(.received(sequence, delta: Int16.random(in: -500...(-1), using: &generator)))
                case 2: model.append(.received(sequence, delta: Int16.random(in: 256...9000, using: &generator)))
                default: model.append(.received(sequence, delta: Int16.random(in: 0...255, using: &generator)))
                }
            }
            models.append(model)
        }
        return models
    }()

    @Test(arguments: models)
    func encodeThenParseEqualsModel(model: [TransportFeedback.PacketResult]) throws {
        let feedback = TransportFeedback(senderSSRC: SSRC(1), mediaSSRC: SSRC(2), referenceTime: 1_000,
                                         feedbackPacketCount: 9, packets: model)
        #expect(feedback.packets == model)
        var writer = ByteWriter()
        feedback.encode(into: &writer)
        #expect(writer.count == feedback.encodedSize)
        #expect(writer.count % 4 == 0)
        let parsed = try TransportFeedback(parsing: writer.bytes[...])
        #expect(parsed.packets == model)
        #expect(parsed == feedback)
    }

    @Test func encoderUsesAllChunkKinds() {
        let model: [TransportFeedback.PacketResult] = (0..<20).map { .received(UInt16($0), delta: 1) }
            + [.lost(20), .received(21, delta: 1), .lost(22)] + (23..<37).map { .received(UInt16($0), delta: 1) }
            + [.received(37, delta: -1), .lost(38)]
        let feedback = TransportFeedback(senderSSRC: SSRC(1), mediaSSRC: SSRC(2), referenceTime: 0,
                                         feedbackPacketCount: 0, packets: model)
        #expect(feedback.chunks.contains { if case .runLength = $0 { true } else { false } })
        #expect(feedback.chunks.contains { if case .oneBitVector = $0 { true } else { false } })
        #expect(feedback.chunks.contains { if case .twoBitVector = $0 { true } else { false } })
        #expect(feedback.packets == model)
    }

    @Test func truncatedDeltasAreRejected() {
        var bytes = Fixtures.rtcp("transport-cc.hex")
        // Shrink the length by two words so the deltas run past the packet.
        bytes[3] = 0x0C
        #expect(throws: RTPError.self) { try TransportFeedback(parsing: bytes.prefix(52)) }
    }
}

/// A large-delta result, spelled out where `.received` would pick the status itself.
enum PacketResultFixture {
    static func large(_ sequence: UInt16, _ delta: Int16) -> TransportFeedback.PacketResult {
        TransportFeedback.PacketResult(sequenceNumber: sequence, status: .receivedLargeDelta, delta: delta)
    }
}

@Suite struct TransportFeedbackArrivalTests {
    @Test func arrivalTimesRoundTripWithinHalfATick() throws {
        let arrivals: [Int64?] = [1_000_123, nil, 1_000_400, 1_070_000, 1_069_000, nil, nil, 3_000_000]
        let feedback = try #require(TransportFeedback(
            senderSSRC: SSRC(1), mediaSSRC: SSRC(2), feedbackPacketCount: 3, baseSequenceNumber: 65_533,
            arrivalTimesMicroseconds: arrivals))
        #expect(feedback.baseSequenceNumber == 65_533)
        #expect(feedback.referenceTime == 15)  // 1.000123 s / 64 ms
        #expect(feedback.packets.map(\.sequenceNumber) == [65_533, 65_534, 65_535, 0, 1, 2, 3, 4])
        #expect(feedback.packets[4].status == .receivedLargeDelta)  // arrived earlier than the previous one
        var writer = ByteWriter()
        feedback.encode(into: &writer)
        let parsed = try TransportFeedback(parsing: writer.bytes[...])
        for (expected, actual) in zip(arrivals, parsed.arrivalTimesMicroseconds) {
            #expect((expected == nil) == (actual == nil))
            if let expected, let actual { #expect(abs(expected - actual) <= 125) }
        }
    }

    @Test func gapTooLongForOneDeltaFails() {
        #expect(TransportFeedback(senderSSRC: SSRC(1), mediaSSRC: SSRC(2), feedbackPacketCount: 0,
                                  baseSequenceNumber: 0, arrivalTimesMicroseconds: [0, 9_000_000]) == nil)
    }

    /// libwebrtc (Chromium) pads a feedback body to the next 32-bit word with 1-3 bytes and sets the P bit with a
    /// count that is not a multiple of four (RFC 3550 §6.4.1 says it should be). Taken as sent, or every Chromium
    /// feedback packet would be lost. This one: one packet received with a one-byte delta, then a one-byte pad.
    @Test func feedbackPaddedAsLibwebrtcPadsItParses() throws {
        let bytes: [UInt8] = [0xAF, 205, 0x00, 0x05,
                              0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,  // sender and media SSRC
                              0x00, 0x07, 0x00, 0x01,  // base sequence number 7, one packet
                              0x00, 0x00, 0x00, 0x03,  // reference time 0, feedback packet count 3
                              0x20, 0x01,  // run-length chunk: small delta, run of 1
                              0x04,  // 1 ms after the reference time
                              0x01]  // padding: the count byte alone
        let compound = try RTCPCompound(parsing: bytes)
        guard case let .transportFeedback(feedback) = compound.packets.first else {
            Issue.record("not transport feedback: \(compound.packets)")
            return
        }
        #expect(feedback.baseSequenceNumber == 7 && feedback.feedbackPacketCount == 3)
        #expect(feedback.arrivalTimesMicroseconds == [1_000])
        // The alignment belongs to the packet, not the compound: it re-encodes (as zeros) to an equal compound,
        // which the RTCP fuzz target checks for every input.
        #expect(compound.paddingLength == 0)
        #expect(try RTCPCompound(parsing: compound.encoded) == compound)
    }
}
