import Testing
import Wire
@testable import RTP

@Suite struct RTPPacketTests {
    @Test(arguments: Fixtures.names("rtp"))
    func fixtureRoundTripsByteExact(name: String) throws {
        let bytes = Fixtures.rtp(name)
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.encodedSize == bytes.count)
        #expect(hex(packet.encoded) == hex(bytes))
        #expect(try RTPPacket(parsing: packet.encoded) == packet)
    }

    @Test(arguments: Fixtures.names("rtp"))
    func everyHeaderTruncationThrows(name: String) throws {
        let bytes = Fixtures.rtp(name)
        let full = try RTPPacket(parsing: bytes)
        let headerSize = 12 + 4 * full.csrcs.count + (full.extensions?.encodedSize ?? 0)
        for length in 0..<bytes.count {
            let prefix = bytes[0..<length]
            if length < headerSize {
                #expect(throws: RTPError.self) { try RTPPacket(parsing: prefix) }
            } else if let packet = try? RTPPacket(parsing: prefix) {
                // Cutting into the payload leaves a shorter packet; the header must be unchanged.
                #expect(packet.ssrc == full.ssrc && packet.extensions == full.extensions)
                #expect(packet.payload.count + Int(packet.paddingLength) == length - headerSize)
            }
        }
    }

    @Test func vp8PacketFields() throws {
        let bytes = Fixtures.rtp("vp8-keyframe-one-byte-extensions.hex")
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.marker)
        #expect(packet.payloadType == PayloadType(rawValue: 96))
        #expect(packet.sequenceNumber == 4660)
        #expect(packet.timestamp == 123_456)
        #expect(packet.ssrc == SSRC(0x5F3E_2D1C))
        #expect(packet.csrcs.isEmpty)
        #expect(packet.paddingLength == 0)
        let extensions = try #require(packet.extensions)
        #expect(extensions.profile == RTPHeaderExtensions.oneByteProfile)
        #expect(extensions.elements.map(\.id) == [2, 3])
        #expect(extensions.absSendTime(id: 2) == 0x12_3456)
        #expect(extensions.transportSequenceNumber(id: 3) == 42)
        #expect(extensions.absSendTime(id: 3) == nil)
        #expect(packet.payload.count == 25)
        #expect(packet.payload.first == 0x90)
        // The payload is a view into the datagram, not a copy.
        #expect(packet.payload.startIndex == 24)
        #expect(VP8PayloadDescriptor.isKeyFrame(packet.payload))
    }

    @Test func opusPacketFields() throws {
        let packet = try RTPPacket(parsing: Fixtures.rtp("opus-audio-level-mid.hex"))
        #expect(!packet.marker)
        #expect(packet.payloadType.rawValue == 111)
        #expect(packet.sequenceNumber == 65_535)
        #expect(packet.timestamp == 0xDEAD_BEEF)
        #expect(packet.ssrc == SSRC(0x1122_3344))
        let extensions = try #require(packet.extensions)
        #expect(extensions.audioLevel(id: 1) == AudioLevel(voiceActivity: true, level: 37))
        #expect(extensions.mid(id: 4) == Mid("0"))
        #expect(extensions.mid(id: 9) == nil)
        #expect(packet.payload.first == 0x78)
        #expect(packet.payload.count == 14)
    }

    @Test func csrcTwoByteAndPaddingFields() throws {
        let packet = try RTPPacket(parsing: Fixtures.rtp("csrc-two-byte-extensions-padding.hex"))
        #expect(packet.payloadType.rawValue == 100)
        #expect(packet.sequenceNumber == 7)
        #expect(packet.timestamp == 90_000)
        #expect(packet.csrcs == [SSRC(0x0102_0304), SSRC(0x0A0B_0C0D)])
        #expect(packet.paddingLength == 4)
        #expect(Array(packet.payload) == [0xDE, 0xAD, 0xBE, 0xEF])
        let extensions = try #require(packet.extensions)
        #expect(extensions.profile == 0x1000)
        #expect(extensions.elements == [
            RTPHeaderExtension(id: 5, bytes: []), RTPHeaderExtension(id: 20, bytes: Array("abc".utf8)),
        ])
    }

    @Test func extendedSequenceNumberAcrossWrap() throws {
        var unwrapper = SequenceNumberUnwrapper()
        let last = try RTPPacket(parsing: Fixtures.rtp("opus-audio-level-mid.hex"))
        var next = last
        next.sequenceNumber = 0
        let first = last.extendedSequenceNumber(using: &unwrapper)
        let second = next.extendedSequenceNumber(using: &unwrapper)
        #expect(second.rawValue == first.rawValue + 1)
    }

    @Test(arguments: [
        // P bit with a zero count byte.
        "a0 60 00 01 00 00 00 00 00 00 00 01 aa bb cc 00",
        // P bit claiming more bytes than follow the header.
        "a0 60 00 01 00 00 00 00 00 00 00 01 aa bb cc 05",
        // P bit with nothing after the header.
        "a0 60 00 01 00 00 00 00 00 00 00 01",
    ])
    func badPaddingIsRejected(text: String) {
        #expect(throws: RTPError.self) { try RTPPacket(parsing: Hex.decode(text)!) }
    }

    @Test func paddingCoveringWholePayloadIsAccepted() throws {
        let packet = try RTPPacket(parsing: Hex.decode("a0 60 00 01 00 00 00 00 00 00 00 01 00 00 00 04")!)
        #expect(packet.payload.isEmpty)
        #expect(packet.paddingLength == 4)
    }

    @Test func badVersionAndLengthsAreRejected() {
        #expect(throws: RTPError.unsupportedVersion(1)) {
            try RTPPacket(parsing: Hex.decode("40 60 00 01 00 00 00 00 00 00 00 01")!)
        }
        // Extension block claims two words but only one follows.
        #expect(throws: RTPError.self) {
            try RTPPacket(parsing: Hex.decode("90 60 00 01 00 00 00 00 00 00 00 01 be de 00 02 10 aa 00 00")!)
        }
        // One-byte element claims 4 bytes where 3 are left in the block.
        #expect(throws: RTPError.self) {
            try RTPPacket(parsing: Hex.decode("90 60 00 01 00 00 00 00 00 00 00 01 be de 00 01 13 aa bb cc")!)
        }
        // Two-byte element claims 9 bytes.
        #expect(throws: RTPError.self) {
            try RTPPacket(parsing: Hex.decode("90 60 00 01 00 00 00 00 00 00 00 01 10 00 00 01 01 09 aa bb")!)
        }
        // CC says 3 CSRCs but only one is present.
        #expect(throws: RTPError.self) {
            try RTPPacket(parsing: Hex.decode("83 60 00 01 00 00 00 00 00 00 00 01 00 00 00 02")!)
        }
    }

    @Test func reservedId15StopsParsingOneByteBlock() throws {
        let packet = try RTPPacket(
            parsing: Hex.decode("90 60 00 01 00 00 00 00 00 00 00 01 be de 00 01 10 aa f0 bb")!)
        #expect(packet.extensions?.elements == [RTPHeaderExtension(id: 1, bytes: [0xAA])])
    }

    @Test func idZeroIsOneBytePaddingWhateverItsLength() throws {
        // 0x01 has id 0 (padding) and a length nibble of 1: it is skipped as one byte, so 0x20 starts an element.
        let packet = try RTPPacket(
            parsing: Hex.decode("90 60 00 01 00 00 00 00 00 00 00 01 be de 00 01 01 20 aa 00")!)
        #expect(packet.extensions?.elements == [RTPHeaderExtension(id: 2, bytes: [0xAA])])
    }

    @Test func unknownProfileIsKeptVerbatim() throws {
        let bytes = Hex.decode("90 60 00 01 00 00 00 00 00 00 00 01 ab cd 00 01 01 02 03 04 ff")!
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.extensions?.profile == 0xABCD)
        #expect(Array(packet.extensions?.opaqueData ?? []) == [1, 2, 3, 4])
        #expect(packet.encoded == bytes)
    }

    @Test func builtPacketChoosesOneByteFormWhenEverythingFits() throws {
        var extensions = RTPHeaderExtensions()
        extensions.setAudioLevel(AudioLevel(voiceActivity: false, level: 127), id: 1)
        extensions.setMid(Mid("audio"), id: 14)
        #expect(extensions.encodedProfile == 0xBEDE)
        let packet = RTPPacket(payloadType: PayloadType(truncating: 111), sequenceNumber: 1, timestamp: 960,
                               ssrc: SSRC(9), extensions: extensions, payload: [1, 2, 3])
        let bytes = packet.encoded
        #expect(hex(bytes.prefix(24)) == "906f0001000003c000000009bede0002107fe4617564696f")
        #expect(bytes.count == packet.encodedSize)
        #expect(try RTPPacket(parsing: bytes) == packet)
    }

    @Test(arguments: [
        (UInt8(15), 1),  // id 15 is reserved in the one-byte form
        (UInt8(3), 17),  // 17 bytes do not fit the 4-bit length
        (UInt8(3), 0),  // an empty element needs the two-byte form
        (UInt8(200), 2),
    ])
    func builtPacketFallsBackToTwoByteForm(id: UInt8, length: Int) throws {
        var extensions = RTPHeaderExtensions(elements: [RTPHeaderExtension(id: 1, bytes: [7])])
        #expect(extensions.encodedProfile == 0xBEDE)
        extensions.set(id: id, data: Array(repeating: 0x55, count: length)[...])
        #expect(extensions.encodedProfile == 0x1000)
        let packet = RTPPacket(payloadType: PayloadType(truncating: 96), sequenceNumber: 2, timestamp: 3,
                               ssrc: SSRC(4), extensions: extensions, payload: [9])
        let parsed = try RTPPacket(parsing: packet.encoded)
        #expect(parsed.extensions?.elements == extensions.elements)
        #expect(parsed.encoded == packet.encoded)
    }

    @Test func extensionHelpersRoundTrip() throws {
        var extensions = RTPHeaderExtensions()
        extensions.setAbsSendTime(0xFF12_3456, id: 2)
        extensions.setTransportSequenceNumber(65_535, id: 3)
        extensions.setMid(Mid("video"), id: 4)
        extensions.setTransportSequenceNumber(1, id: 3)
        #expect(extensions.elements.count == 3)
        #expect(extensions.absSendTime(id: 2) == 0x12_3456)
        #expect(extensions.transportSequenceNumber(id: 3) == 1)
        #expect(extensions.mid(id: 4) == Mid("video"))
        extensions.remove(id: 4)
        #expect(extensions.mid(id: 4) == nil)
        // 1.5 s is 1.5 * 2^18 units.
        #expect(RTPHeaderExtensions.absSendTime(of: .milliseconds(1_500)) == 393_216)
        // 64 s wraps to zero.
        #expect(RTPHeaderExtensions.absSendTime(of: .milliseconds(64_000)) == 0)
    }

    @Test func paddingAndCSRCsEncode() throws {
        let packet = RTPPacket(marker: true, payloadType: PayloadType(truncating: 0xFF), sequenceNumber: 0xABCD,
                               timestamp: 1, ssrc: SSRC(2), csrcs: [SSRC(3)], payload: [0xEE], paddingLength: 3)
        #expect(packet.payloadType.rawValue == 127)
        #expect(hex(packet.encoded) == "a1ffabcd00000001000000020000000" + "3ee000003")
        #expect(try RTPPacket(parsing: packet.encoded) == packet)
    }
}
