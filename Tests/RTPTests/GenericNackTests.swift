import Testing
import Wire
@testable import RTP

@Suite struct GenericNackTests {
    @Test func wraparoundFixtureFields() throws {
        let nack = try GenericNack(parsing: Fixtures.rtcp("nack-wraparound.hex")[...])
        #expect(nack.senderSSRC == SSRC(0x1122_3344))
        #expect(nack.mediaSSRC == SSRC(0x5F3E_2D1C))
        #expect(nack.pairs == [.init(packetID: 65_534, lostBitmask: 0x0047), .init(packetID: 20, lostBitmask: 0)])
        #expect(nack.lostSequenceNumbers == [65_534, 65_535, 0, 1, 5, 20])
    }

    @Test func lostListBuildsTheFixture() throws {
        let nack = GenericNack(senderSSRC: SSRC(0x1122_3344), mediaSSRC: SSRC(0x5F3E_2D1C),
                               lost: [65_534, 65_535, 0, 1, 5, 20])
        var writer = ByteWriter()
        nack.encode(into: &writer)
        #expect(writer.bytes == Fixtures.rtcp("nack-wraparound.hex"))
    }

    @Test(arguments: [
        [UInt16](),
        [7],
        [100, 101, 102, 116],  // 116 is the last one a pair starting at 100 can cover
        [100, 117],  // 117 needs a new pair
        [65_535, 0, 15, 16],
        [65_520, 65_530, 65_535, 0, 1, 2, 40, 41, 57, 58],
        Array(1_000...1_100),
    ])
    func listToPairsAndBack(lost: [UInt16]) {
        let pairs = GenericNack.pairs(forLost: lost)
        #expect(pairs.flatMap(\.lostSequenceNumbers) == lost)
        // Each pair starts at a number the previous pair cannot reach.
        for (previous, next) in zip(pairs, pairs.dropFirst()) {
            #expect(next.packetID &- previous.packetID > 16)
        }
    }

    @Test func duplicatesAreReportedOnce() {
        let pairs = GenericNack.pairs(forLost: [10, 10, 11, 11])
        #expect(pairs == [.init(packetID: 10, lostBitmask: 1)])
    }

    @Test func pairsCount() {
        #expect(GenericNack.pairs(forLost: [100, 116]).count == 1)
        #expect(GenericNack.pairs(forLost: [100, 117]).count == 2)
        #expect(GenericNack.pairs(forLost: Array(0...33)).count == 2)
    }

    @Test func misalignedFCIIsRejected() {
        let bytes = Hex.decode("81 cd 00 03 11 22 33 44 55 66 77 88 00 01 00")!
        #expect(throws: RTPError.self) { try GenericNack(parsing: bytes[...]) }
    }
}
