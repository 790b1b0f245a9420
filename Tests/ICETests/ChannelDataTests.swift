import ICE
import Testing
import Wire

/// TURN ChannelData framing (RFC 8656 §12.4).
@Suite struct ChannelDataTests {
    @Test(arguments: [0, 1, 2, 3, 4, 5, 1200])
    func roundTrip(size: Int) throws {
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let frame = ChannelData(channel: 0x4ABC, data: payload)
        for padded in [false, true] {
            let bytes = try frame.encode(padded: padded)
            #expect(bytes.count == frame.encodedSize(padded: padded))
            #expect(Array(bytes[0..<4]) == [0x4A, 0xBC, UInt8(size >> 8), UInt8(size & 0xFF)])
            if padded { #expect(bytes.count % 4 == 0) }
            let parsed = try ChannelData(parsing: bytes)
            #expect(parsed.channel == 0x4ABC)
            #expect(Array(parsed.data) == payload)
        }
    }

    @Test func invalidChannelRejected() {
        #expect(throws: STUNError.invalidChannelNumber(0x3FFF)) { try ChannelData(parsing: [0x3F, 0xFF, 0, 0]) }
        #expect(throws: STUNError.invalidChannelNumber(0x5000)) { try ChannelData(parsing: [0x50, 0x00, 0, 0]) }
    }

    @Test func lengthChecks() {
        #expect(throws: STUNError.self) { try ChannelData(parsing: [0x40]) }
        #expect(throws: STUNError.lengthMismatch(declared: 4, actual: 3)) {
            try ChannelData(parsing: [0x40, 0x00, 0x00, 0x04, 1, 2, 3])
        }
        // More than the padding after the data means this is not one ChannelData message.
        #expect(throws: STUNError.lengthMismatch(declared: 1, actual: 5)) {
            try ChannelData(parsing: [0x40, 0x00, 0x00, 0x01, 1, 0, 0, 0, 0])
        }
    }

    @Test func everyTruncationThrows() throws {
        let bytes = try ChannelData(channel: 0x4000, data: [1, 2, 3, 4, 5, 6, 7, 8]).encode()
        for length in 0..<bytes.count {
            #expect(throws: STUNError.self) { try ChannelData(parsing: bytes[0..<length]) }
        }
    }

    @Test func oversizedDataThrows() {
        let frame = ChannelData(channel: 0x4000, data: [UInt8](repeating: 0, count: 0x10000))
        #expect(throws: STUNError.tooLarge(0x10000)) { try frame.encode() }
    }
}
