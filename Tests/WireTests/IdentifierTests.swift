import Testing
import Wire

@Suite struct IdentifierTests {
    @Test func payloadTypeIsSevenBits() {
        #expect(PayloadType(rawValue: 127)?.rawValue == 127)
        #expect(PayloadType(rawValue: 128) == nil)
        #expect(PayloadType(truncating: 0xE0).rawValue == 96)
    }

    @Test func unwrapperExtendsAcrossWraparound() {
        var unwrapper = SequenceNumberUnwrapper()
        let first = unwrapper.unwrap(65_534)
        let next = unwrapper.unwrap(65_535)
        let wrapped = unwrapper.unwrap(0)
        let late = unwrapper.unwrap(65_533)     // reordered packet from before the wrap
        let after = unwrapper.unwrap(2)
        #expect(next.rawValue == first.rawValue + 1)
        #expect(wrapped.rawValue == first.rawValue + 2)
        #expect(wrapped.wireValue == 0)
        #expect(wrapped.rollOverCount == first.rollOverCount + 1)
        #expect(late.rawValue == first.rawValue - 1)
        #expect(after.rawValue == wrapped.rawValue + 2)
        #expect(unwrapper.highestSeen == after)
    }

    @Test func unwrapperHandlesALongMonotonicRun() {
        var unwrapper = SequenceNumberUnwrapper()
        var wire: UInt16 = 60_000
        let start = unwrapper.unwrap(wire).rawValue
        for step in 1...200_000 {
            wire &+= 1
            #expect(unwrapper.unwrap(wire).rawValue == start + UInt64(step))
        }
    }

    @Test func seededGeneratorIsDeterministic() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        var c = SeededGenerator(seed: 43)
        let first = a.bytes(33)
        #expect(first == b.bytes(33))
        #expect(first != c.bytes(33))
        #expect(first.count == 33)
    }

    @Test func hexRoundTripsAndRejectsGarbage() {
        #expect(Hex.encode([0x00, 0xAB, 0xFF]) == "00abff")
        #expect(Hex.encode([0x0A, 0xBC], separator: ":", uppercase: true) == "0A:BC")
        #expect(Hex.decode("0A:bc ff") == [0x0A, 0xBC, 0xFF])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}
