import Testing
import Wire
@testable import RTP

@Suite struct RTCPCompoundTests {
    @Test(arguments: Fixtures.names("rtcp"))
    func fixtureRoundTripsByteExact(name: String) throws {
        let bytes = Fixtures.rtcp(name)
        let compound = try RTCPCompound(parsing: bytes)
        #expect(compound.encodedSize == bytes.count)
        #expect(hex(compound.encoded) == hex(bytes))
        #expect(try RTCPCompound(parsing: compound.encoded) == compound)
    }

    /// Offsets where each packet of `bytes` ends.
    static func boundaries(_ bytes: [UInt8]) -> Set<Int> {
        var result: Set<Int> = []
        var offset = 0
        while offset + 4 <= bytes.count {
            offset += ((Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])) + 1) * 4
            result.insert(offset)
        }
        return result
    }

    @Test(arguments: Fixtures.names("rtcp"))
    func everyTruncationThrowsUnlessAtAPacketBoundary(name: String) throws {
        let bytes = Fixtures.rtcp(name)
        let full = try RTCPCompound(parsing: bytes)
        let boundaries = Self.boundaries(bytes)
        for length in 0..<bytes.count {
            let prefix = bytes[0..<length]
            if boundaries.contains(length) {
                // A whole number of packets is a valid, shorter compound packet.
                let compound = try RTCPCompound(parsing: prefix)
                #expect(compound.packets == Array(full.packets.prefix(compound.packets.count)))
            } else {
                #expect(throws: RTPError.self) { try RTCPCompound(parsing: prefix) }
            }
        }
    }

    @Test(arguments: Fixtures.names("rtcp"))
    func eachPacketParsesAlone(name: String) throws {
        let bytes = Fixtures.rtcp(name)
        let compound = try RTCPCompound(parsing: bytes)
        var offset = 0
        for packet in compound.packets {
            let size = ((Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])) + 1) * 4
            let alone = try RTCPPacket(parsing: bytes[offset..<(offset + size)])
            #expect(alone == packet)
            offset += size
        }
    }

    @Test func paddingOnlyAllowedOnLastPacket() throws {
        // RR with P=1 (and a valid-looking count) followed by another RR.
        let bytes = Hex.decode("a0 c9 00 02 11 22 33 44 00 00 00 04 80 c9 00 01 55 66 77 88")!
        #expect(throws: RTPError.self) { try RTCPCompound(parsing: bytes) }
        // The same padded RR alone is fine.
        let alone = try RTCPCompound(parsing: Array(bytes.prefix(12)))
        #expect(alone.paddingLength == 4)
        #expect(alone.packets == [.receiverReport(ReceiverReport(ssrc: SSRC(0x1122_3344)))])
        #expect(alone.encoded == Array(bytes.prefix(12)))
    }

    @Test(arguments: [
        "a0 c9 00 01 11 22 33 44",  // padding count 0x44 is larger than the body
        "a0 c9 00 02 11 22 33 44 00 00 00 00",  // padding count 0
        "a0 c9 00 02 11 22 33 44 00 00 00 03",  // padding count not a multiple of four
        "80 c9 00 02 11 22 33 44",  // length says 12 bytes, 8 present
        "40 c9 00 01 11 22 33 44",  // version 1
        "81 c9 00 01 11 22 33 44",  // RC=1 but no report block
        "81 c8 00 06 11 22 33 44 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",  // SR, RC=1, no block
        "81 ca 00 02 11 22 33 44 01 05 61 62",  // SDES item longer than the packet
        "82 cb 00 01 11 22 33 44",  // BYE with SC=2 and one SSRC
        "81 ce 00 03 11 22 33 44 55 66 77 88 00 00 00 00",  // PLI with FCI bytes
        "84 ce 00 03 11 22 33 44 00 00 00 00 55 66 77 88",  // FIR with half an entry
        "8f ce 00 04 11 22 33 44 00 00 00 00 52 45 4d 42 02 0e dc 6c",  // REMB listing 2 SSRCs, none present
        "8f cd 00 04 11 22 33 44 55 66 77 88 00 01 00 02 00 00 00 00",  // TWCC with no chunk for 2 statuses
        "8f cd 00 05 11 22 33 44 55 66 77 88 00 01 00 01 00 00 00 00 60 01 00 00",  // run-length status 3
        "",
    ])
    func malformedPacketsAreRejected(text: String) {
        #expect(throws: RTPError.self) { try RTCPCompound(parsing: Hex.decode(text)!) }
    }

    @Test func chromeSenderReportAndSDES() throws {
        let compound = try RTCPCompound(parsing: Fixtures.rtcp("chrome-sr-sdes.hex"))
        #expect(compound.packets.count == 2)
        guard case let .senderReport(report) = compound.packets[0],
              case let .sourceDescription(sdes) = compound.packets[1]
        else {
            Issue.record("unexpected packets \(compound.packets)")
            return
        }
        #expect(report.ssrc == SSRC(0x5F3E_2D1C))
        #expect(report.ntpTimestamp == 0xE97A_3B2C_4000_0000)
        #expect(report.compactNTP == 0x3B2C_4000)
        #expect(report.rtpTimestamp == 123_456)
        #expect(report.packetCount == 1_000)
        #expect(report.octetCount == 1_000_000)
        #expect(report.profileExtension.isEmpty)
        #expect(report.reports == [
            ReportBlock(ssrc: SSRC(0x1122_3344), fractionLost: 10, cumulativeLost: -3,
                        extendedHighestSequenceNumber: 0x0001_0005, jitter: 32, lastSenderReport: 0x3B2C_4000,
                        delaySinceLastSenderReport: 0x0001_8000),
        ])
        #expect(report.reports[0].extendedHighestSequence.rollOverCount == 1)
        #expect(report.reports[0].extendedHighestSequence.wireValue == 5)
        #expect(sdes.chunks.count == 1)
        #expect(sdes.chunks[0].ssrc == SSRC(0x5F3E_2D1C))
        #expect(sdes.chunks[0].cname == "aBcDeFgH12345678")
    }

    @Test func receiverReportSDESAndBye() throws {
        let compound = try RTCPCompound(parsing: Fixtures.rtcp("rr-sdes-bye.hex"))
        #expect(compound.packets == [
            .receiverReport(ReceiverReport(ssrc: SSRC(0x1122_3344))),
            .sourceDescription(SourceDescription(chunks: [
                .init(ssrc: SSRC(0x1122_3344), items: [
                    .init(type: SourceDescription.Item.cname, text: "peer"),
                    .init(type: SourceDescription.Item.tool, text: "LinkUp"),
                ]),
                .init(ssrc: SSRC(0x5566_7788), items: [.init(type: SourceDescription.Item.cname, text: "x")]),
            ])),
            .goodbye(Goodbye(sources: [SSRC(0x1122_3344)], reason: "byebye")),
        ])
        guard case let .goodbye(bye) = compound.packets[2] else { return }
        #expect(bye.reasonText == "byebye")
    }

    @Test func pliAndFir() throws {
        let compound = try RTCPCompound(parsing: Fixtures.rtcp("rr-pli-fir.hex"))
        #expect(compound.packets == [
            .receiverReport(ReceiverReport(ssrc: SSRC(0x1122_3344))),
            .pictureLossIndication(PictureLossIndication(senderSSRC: SSRC(0x1122_3344),
                                                         mediaSSRC: SSRC(0x5F3E_2D1C))),
            .fullIntraRequest(FullIntraRequest(senderSSRC: SSRC(0x1122_3344),
                                               entries: [.init(ssrc: SSRC(0x5F3E_2D1C), sequenceNumber: 5)])),
        ])
    }

    @Test func applicationPacketKeptVerbatimWithPadding() throws {
        let compound = try RTCPCompound(parsing: Fixtures.rtcp("rr-app-padded.hex"))
        #expect(compound.paddingLength == 4)
        #expect(compound.packets.count == 2)
        guard case let .unknown(app) = compound.packets[1] else {
            Issue.record("APP should be kept as unknown")
            return
        }
        #expect(app.packetType == RTCPHeader.application)
        #expect(app.count == 1)
        #expect(hex(app.body) == "112233445445535401020304")
    }

    @Test func remb() throws {
        let compound = try RTCPCompound(parsing: Fixtures.rtcp("remb.hex"))
        guard case let .receiverEstimatedMaxBitrate(remb) = compound.packets.first else {
            Issue.record("expected REMB")
            return
        }
        #expect(remb.senderSSRC == SSRC(0x1122_3344))
        #expect(remb.mediaSSRC == SSRC(0))
        #expect(remb.exponent == 3)
        #expect(remb.mantissa == 187_500)
        #expect(remb.bitrate == 1_500_000)
        #expect(remb.ssrcs == [SSRC(0x5F3E_2D1C)])
        let built = ReceiverEstimatedMaxBitrate(senderSSRC: SSRC(0x1122_3344), bitrate: 1_500_000,
                                                ssrcs: [SSRC(0x5F3E_2D1C)])
        #expect(built == remb)
    }

    @Test(arguments: [UInt64(0), 1, 262_143, 262_144, 1_500_001, 10_000_000_000, UInt64.max])
    func rembBitrateRoundsDownToMantissa(bitrate: UInt64) throws {
        let remb = ReceiverEstimatedMaxBitrate(senderSSRC: SSRC(1), bitrate: bitrate, ssrcs: [])
        #expect(remb.mantissa <= ReceiverEstimatedMaxBitrate.maxMantissa)
        #expect(remb.bitrate <= bitrate)
        // Rounding loses less than one unit of the final exponent.
        #expect(bitrate - remb.bitrate < (UInt64(1) << remb.exponent))
        var writer = ByteWriter()
        remb.encode(into: &writer)
        #expect(try ReceiverEstimatedMaxBitrate(parsing: writer.bytes[...]) == remb)
    }

    @Test func nonREMBApplicationFeedbackIsUnknown() throws {
        let bytes = Hex.decode("8f ce 00 03 11 22 33 44 00 00 00 00 41 42 43 44")!
        #expect(try RTCPPacket(parsing: bytes[...])
            == .unknown(UnknownRTCPPacket(count: 15, packetType: 206, body: bytes[4...])))
    }

    @Test func reportBlockClampsCumulativeLoss() throws {
        let block = ReportBlock(ssrc: SSRC(1), fractionLost: 0, cumulativeLost: -9_000_000,
                                extendedHighestSequenceNumber: 0, jitter: 0, lastSenderReport: 0,
                                delaySinceLastSenderReport: 0)
        #expect(block.cumulativeLost == -8_388_608)
        let report = ReceiverReport(ssrc: SSRC(2), reports: [block])
        var writer = ByteWriter()
        report.encode(into: &writer)
        #expect(hex(writer.bytes[12..<16]) == "00800000")
        #expect(try ReceiverReport(parsing: writer.bytes[...]) == report)
    }

    @Test func builtCompoundRoundTrips() throws {
        let compound = RTCPCompound(packets: [
            .senderReport(SenderReport(ssrc: SSRC(1), ntpTimestamp: 2, rtpTimestamp: 3, packetCount: 4,
                                       octetCount: 5)),
            .sourceDescription(SourceDescription(ssrc: SSRC(1), cname: "abcd")),
            .goodbye(Goodbye(sources: [SSRC(1), SSRC(2)])),
            .goodbye(Goodbye(sources: [], reason: "")),
        ], paddingLength: 8)
        let bytes = compound.encoded
        #expect(bytes.count == compound.encodedSize)
        #expect(bytes.count % 4 == 0)
        #expect(try RTCPCompound(parsing: bytes) == compound)
    }
}
