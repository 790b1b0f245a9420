import Testing
import Wire

@Suite struct ByteReaderTests {
    @Test func readsBigEndianIntegers() throws {
        var reader = ByteReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C,
                                 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12])
        #expect(try reader.readUInt8() == 0x01)
        #expect(try reader.readUInt16() == 0x0203)
        #expect(try reader.readUInt24() == 0x04_0506)
        #expect(try reader.readUInt32() == 0x0708_090A)
        #expect(try reader.readUInt64() == 0x0B0C_0D0E_0F10_1112)
        #expect(reader.isAtEnd)
    }

    @Test func truncationThrowsWithOffsets() {
        var reader = ByteReader([0xAA, 0xBB, 0xCC])
        #expect(throws: WireError.truncated(offset: 0, needed: 4, available: 3)) { try reader.readUInt32() }
        #expect((try? reader.readUInt16()) == 0xAABB)
        #expect(throws: WireError.truncated(offset: 2, needed: 2, available: 1)) { try reader.readUInt16() }
        #expect(throws: WireError.truncated(offset: 2, needed: 5, available: 1)) { try reader.readBytes(5) }
        #expect(throws: WireError.self) { try reader.skip(-1) }
        #expect(throws: WireError.self) { try reader.peekUInt8(ahead: 1) }
        #expect((try? reader.peekUInt8()) == 0xCC)
    }

    @Test func slicesShareIndicesAndSubReadersStopAtTheirEnd() throws {
        let packet: [UInt8] = [9, 9, 0x00, 0x03, 0xA1, 0xA2, 0xA3, 0xFF]
        var outer = ByteReader(packet[2...])
        let length = try outer.readUInt16()
        var inner = try outer.readReader(Int(length))
        #expect(Array(try inner.readBytes(2)) == [0xA1, 0xA2])
        #expect(inner.remaining == 1)
        #expect(throws: WireError.self) { try inner.readUInt16() }
        #expect(Array(outer.readRemaining()) == [0xFF])
        #expect(outer.isAtEnd)
        #expect(outer.offset == 6)
    }

    @Test func everyTruncationOfAStructureThrowsNeverTraps() {
        let full: [UInt8] = [0x00, 0x04, 1, 2, 3, 4, 0xDE, 0xAD, 0xBE, 0xEF]
        func parse(_ bytes: ArraySlice<UInt8>) throws(WireError) -> (ArraySlice<UInt8>, UInt32) {
            var reader = ByteReader(bytes)
            let length = try reader.readUInt16()
            return (try reader.readBytes(Int(length)), try reader.readUInt32())
        }
        for cut in 0..<full.count {
            #expect(throws: WireError.self) { try parse(full[..<cut]) }
        }
        #expect((try? parse(full[...]))?.1 == 0xDEAD_BEEF)
    }
}

@Suite struct ByteWriterTests {
    @Test func writesAndPatchesBigEndian() {
        var writer = ByteWriter(capacity: 32)
        writer.write(UInt8(0x01))
        writer.write(UInt16(0))
        writer.writeUInt24(0x0A0B0C)
        writer.write(UInt32(0x1122_3344))
        writer.write(UInt64(0x0102_0304_0506_0708))
        writer.write(bytes: [0xEE, 0xFF])
        writer.writeZeros(2)
        writer.patch(UInt16(0xBEEF), at: 1)
        #expect(writer.bytes == [0x01, 0xBE, 0xEF, 0x0A, 0x0B, 0x0C, 0x11, 0x22, 0x33, 0x44,
                                 1, 2, 3, 4, 5, 6, 7, 8, 0xEE, 0xFF, 0, 0])
        writer.patch(UInt32(0xCAFE_BABE), at: 6)
        writer.patch(UInt8(7), at: 0)
        #expect(Array(writer.bytes[0..<1]) == [7])
        #expect(Array(writer.bytes[6..<10]) == [0xCA, 0xFE, 0xBA, 0xBE])
        #expect(writer.count == 22)
    }

    @Test func writerAndReaderAgree() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let a = UInt16.random(in: .min ... .max, using: &generator)
            let b = UInt32.random(in: .min ... .max, using: &generator)
            let c = UInt64.random(in: .min ... .max, using: &generator)
            var writer = ByteWriter()
            writer.write(a)
            writer.write(b)
            writer.write(c)
            var reader = ByteReader(writer.bytes)
            #expect(try reader.readUInt16() == a)
            #expect(try reader.readUInt32() == b)
            #expect(try reader.readUInt64() == c)
        }
    }
}
