import Testing
import Wire
@testable import RTP

@Suite struct VP8Tests {
    struct DescriptorCase: Sendable, CustomTestStringConvertible {
        let hex: String
        let descriptor: VP8PayloadDescriptor
        var testDescription: String { hex }
    }

    static let descriptorCases: [DescriptorCase] = [
        // Minimal: S=1, PID=0, no extension.
        .init(hex: "10", descriptor: .init(isStartOfPartition: true)),
        // N=1, PID=3, continuation.
        .init(hex: "23", descriptor: .init(isNonReference: true, isStartOfPartition: false, partitionIndex: 3)),
        // I with a 7-bit PictureID 0x55.
        .init(hex: "90 80 55", descriptor: .init(isStartOfPartition: true,
                                                   pictureID: .init(0x55, isLong: false))),
        // I with a 15-bit PictureID 0x1234.
        .init(hex: "90 80 92 34", descriptor: .init(isStartOfPartition: true, pictureID: .init(0x1234))),
        // I, L, T, K: PictureID 0x7fff, TL0PICIDX 0xab, TID 2, Y=1, KEYIDX 17.
        .init(hex: "90 f0 ff ff ab b1", descriptor: .init(
            isStartOfPartition: true, pictureID: .init(0x7FFF), tl0PictureIndex: 0xAB, temporalLayerIndex: 2,
            layerSync: true, keyIndex: 17)),
        // T only: TID 1, Y=0.
        .init(hex: "80 20 40", descriptor: .init(isStartOfPartition: false, temporalLayerIndex: 1)),
        // K only: KEYIDX 31; the TID/Y bits are not meaningful and written as zero.
        .init(hex: "80 10 1f", descriptor: .init(isStartOfPartition: false, keyIndex: 31)),
        // L only.
        .init(hex: "b1 40 07", descriptor: .init(isNonReference: true, isStartOfPartition: true, partitionIndex: 1,
                                                   tl0PictureIndex: 7)),
    ]

    @Test(arguments: descriptorCases)
    func descriptorParsesAndEncodesByteExact(testCase: DescriptorCase) throws {
        let bytes = Hex.decode(testCase.hex)! + [0xAA, 0xBB]
        let (descriptor, vp8) = try VP8PayloadDescriptor.parse(bytes[...])
        #expect(descriptor == testCase.descriptor)
        #expect(Array(vp8) == [0xAA, 0xBB])
        var writer = ByteWriter()
        descriptor.encode(into: &writer)
        #expect(writer.count == descriptor.encodedSize)
        #expect(hex(writer.bytes) == hex(Hex.decode(testCase.hex)!))
    }

    @Test(arguments: descriptorCases)
    func everyDescriptorTruncationThrows(testCase: DescriptorCase) {
        let bytes = Hex.decode(testCase.hex)!
        for length in 0..<bytes.count {
            #expect(throws: RTPError.self) { try VP8PayloadDescriptor.parse(bytes[0..<length]) }
        }
    }

    @Test func keyFrameFromFixturePacket() throws {
        let packet = try RTPPacket(parsing: Fixtures.rtp("vp8-keyframe-one-byte-extensions.hex"))
        let (descriptor, vp8) = try VP8PayloadDescriptor.parse(packet.payload)
        #expect(descriptor.startsFrame)
        #expect(descriptor.pictureID == .init(0x1234))
        let header = try VP8PayloadHeader(parsing: vp8)
        #expect(header.isKeyFrame)
        #expect(header.showFrame)
        #expect(header.version == 0)
        #expect(header.firstPartitionSize == 421)
        #expect(header.dimensions == .init(width: 640, height: 480))
        var writer = ByteWriter()
        header.encode(into: &writer)
        #expect(writer.bytes == Array(vp8.prefix(10)))
    }

    @Test func interFrameAndContinuationAreNotKeyFrames() {
        // S=1 PID=0, P bit set: an interframe.
        #expect(!VP8PayloadDescriptor.isKeyFrame(Hex.decode("10 31 02 00")![...]))
        // P bit clear but S=0: the middle of a frame, not its start.
        #expect(!VP8PayloadDescriptor.isKeyFrame(Hex.decode("00 30 02 00 9d 01 2a")![...]))
        // P bit clear but PID=1.
        #expect(!VP8PayloadDescriptor.isKeyFrame(Hex.decode("11 30 02 00")![...]))
        // Truncated descriptor.
        #expect(!VP8PayloadDescriptor.isKeyFrame(Hex.decode("90 80")![...]))
        #expect(!VP8PayloadDescriptor.isKeyFrame([]))
        #expect(VP8PayloadDescriptor.isKeyFrame(Hex.decode("10 30 02 00")![...]))
    }

    @Test func interFrameHeader() throws {
        let header = try VP8PayloadHeader(parsing: Hex.decode("f3 ff ff")![...])
        #expect(!header.isKeyFrame)
        #expect(header.version == 1)
        #expect(header.showFrame)
        #expect(header.firstPartitionSize == 0x7FFFF)
        #expect(header.dimensions == nil)
    }

    @Test func keyFrameHeaderRoundTripWithScale() throws {
        let header = VP8PayloadHeader(isKeyFrame: true, version: 2, showFrame: false, firstPartitionSize: 1_000,
                                      dimensions: .init(width: 1_920, height: 1_080, horizontalScale: 1,
                                                        verticalScale: 3))
        var writer = ByteWriter()
        header.encode(into: &writer)
        #expect(writer.count == header.encodedSize)
        #expect(hex(writer.bytes[3...]) == "9d012a8047 38c4".replacingOccurrences(of: " ", with: ""))
        #expect(try VP8PayloadHeader(parsing: writer.bytes[...]) == header)
    }

    @Test func keyFrameHeaderNeedsStartCode() {
        #expect(throws: RTPError.self) {
            try VP8PayloadHeader(parsing: Hex.decode("10 02 00 9d 01 2b 80 02 e0 01")![...])
        }
        let valid = Hex.decode("10 02 00 9d 01 2a 80 02 e0 01")!
        for length in 0..<valid.count {
            #expect(throws: RTPError.self) { try VP8PayloadHeader(parsing: valid[0..<length]) }
        }
    }
}
