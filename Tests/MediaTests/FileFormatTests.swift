import Foundation
import Testing
import Wire
@testable import Media

@Suite struct FileFormatTests {
    /// Cross-checked with this Python reference (bitwise, MSB first, poly 0x04C11DB7, init 0, no final XOR):
    ///
    ///     def crc(data):
    ///         c = 0
    ///         for b in data:
    ///             c ^= b << 24
    ///             for _ in range(8):
    ///                 c = ((c << 1) ^ 0x04C11DB7) if c & 0x80000000 else (c << 1)
    ///                 c &= 0xFFFFFFFF
    ///         return c
    ///
    /// crc(b"123456789") == 0x89A1897F (CRC-32/POSIX's check value 0x765E7680 without its final inversion), and the
    /// page below (BOS, granule 0, serial 0x12345678, sequence 0, one 3-byte packet 01 02 03) has CRC 0x3D4F2B36.
    @Test func oggCRCMatchesReference() throws {
        #expect(OggCRC.checksum(Array("123456789".utf8)) == 0x89A1_897F)
        let page = try OggPage(packets: [[1, 2, 3]], headerType: OggPage.beginningOfStream, granulePosition: 0,
            serialNumber: 0x1234_5678, sequenceNumber: 0)
        #expect(Hex.encode(page.encoded) == "4f676753000200000000000000007856341200000000362b4f3d0103010203")
        var offset = 0
        #expect(try OggPage(parsing: page.encoded, offset: &offset) == page)
        var corrupted = page.encoded
        corrupted[29] ^= 0x01
        offset = 0
        #expect(throws: MediaError.checksumMismatch(offset: 0)) { try OggPage(parsing: corrupted, offset: &offset) }
    }

    @Test func oggOpusRoundTrip() throws {
        var tone = ToneSource(frequency: 1000, channels: 2)
        let encoder = try OpusEncoder(channels: 2, bitrate: 64_000)
        var packets: [[UInt8]] = []
        for _ in 0..<50 { packets.append(try encoder.encode(tone.nextFrame())) }
        var writer = try OggOpusWriter(sink: MemorySink(), serialNumber: 0xCAFE_F00D, channels: 2)
        for packet in packets { try writer.append(packet) }
        try writer.finish()
        let bytes = writer.sink.bytes
        let file = try OggOpusFile(parsing: bytes)
        #expect(file.packets == packets)
        #expect(file.head == OpusHead(channels: 2, preSkip: 312, inputSampleRate: 48_000, outputGain: 0))
        #expect(file.tags.vendor == "LinkUp")
        #expect(file.serialNumber == 0xCAFE_F00D)
        #expect(file.finalGranulePosition == 50 * 960)
        let stream = try OggStream(parsing: bytes)
        #expect(stream.pages.count == 52)
        #expect(stream.pages.first?.headerType == OggPage.beginningOfStream)
        #expect(stream.pages.last?.headerType == OggPage.endOfStream)
        #expect(stream.pages.map(\.sequenceNumber) == Array(0..<52))
        #expect(stream.pages[2].granulePosition == 960)
        // Truncation anywhere is an error, never a trap.
        for cut in stride(from: 1, to: 200, by: 7) {
            #expect(throws: MediaError.self) { try OggOpusFile(parsing: Array(bytes.prefix(cut))) }
        }
    }

    @Test func oggJoinsPacketsSplitAcrossPages() throws {
        let big = (0..<600).map { UInt8(truncatingIfNeeded: $0) }
        // 600 bytes = 255 + 255 + 90: split the lacing so the packet continues onto a second page.
        let first = OggPage(headerType: OggPage.beginningOfStream, granulePosition: UInt64.max, serialNumber: 7,
            sequenceNumber: 0, segmentTable: [255, 255], body: Array(big[0..<510]))
        let second = OggPage(headerType: OggPage.continued | OggPage.endOfStream, granulePosition: 960,
            serialNumber: 7, sequenceNumber: 1, segmentTable: [90], body: Array(big[510...]))
        let stream = try OggStream(parsing: first.encoded + second.encoded)
        #expect(stream.packets.map(\.data) == [big])
        #expect(stream.packets.first?.granulePosition == 960)
        // A continuation page with nothing to continue is malformed.
        #expect(throws: MediaError.self) { try OggStream(parsing: second.encoded) }
    }

    @Test func opusTOCDurations() {
        #expect(OpusPacketInfo.samplesPerChannel([0x08]) == 960)  // SILK NB 20 ms, one frame
        #expect(OpusPacketInfo.samplesPerChannel([0xF8]) == 960)  // CELT FB 20 ms
        #expect(OpusPacketInfo.samplesPerChannel([0xF9]) == 1920)  // two frames
        #expect(OpusPacketInfo.samplesPerChannel([0x1B, 0x02]) == 5760)  // SILK 60 ms, code 3, two frames
        #expect(OpusPacketInfo.samplesPerChannel([0x1B, 0x03]) == nil)  // 180 ms is over the 120 ms limit
        #expect(OpusPacketInfo.samplesPerChannel([0x1B]) == nil)  // code 3 without its count byte
        #expect(OpusPacketInfo.samplesPerChannel([]) == nil)
    }

    @Test func ivfRoundTrip() throws {
        let source = TestPatternSource(width: 320, height: 240)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: 320, height: 240, bitrate: 300_000))
        var writer = try IVFWriter(sink: MemorySink(), width: 320, height: 240, rate: 30)
        var frames: [IVFFile.Frame] = []
        for number in 0..<10 {
            let frame = source.frame(number: UInt32(number), captureTime: .milliseconds(Int64(number) * 33))
            for packet in try encoder.encode(frame) {
                try writer.write(packet.data, pts: UInt64(number))
                frames.append(IVFFile.Frame(pts: UInt64(number), data: packet.data))
            }
        }
        try writer.finish()
        let bytes = writer.sink.bytes
        #expect(Array(bytes[0..<4]) == Array("DKIF".utf8))
        let file = try IVFFile(parsing: bytes)
        #expect(file.frames == frames)
        #expect(file.declaredFrameCount == 10)
        #expect(file.width == 320 && file.height == 240 && file.rate == 30 && file.scale == 1)
        #expect(file.fourcc == Array("VP80".utf8))
        #expect(file.encoded == bytes)
        // Every decoded frame still carries its number.
        let decoder = try VP8Decoder()
        for (index, frame) in file.frames.enumerated() {
            let picture = try #require(try decoder.decode(frame.data))
            #expect(TestPatternReader.read(picture)?.frameNumber == UInt32(index))
        }
        for cut in [1, 10, 31, 33, 45, bytes.count - 1] {
            #expect(throws: MediaError.self) { try IVFFile(parsing: Array(bytes.prefix(cut))) }
        }
    }

    @Test func wavAndY4MLayout() throws {
        var wav = try WAVWriter(sink: MemorySink(), channels: 1)
        var tone = ToneSource(frequency: 440)
        try wav.write(tone.nextFrame())
        try wav.finish()
        let wavBytes = wav.sink.bytes
        #expect(wavBytes.count == 44 + 1920)
        #expect(Array(wavBytes[0..<4]) == Array("RIFF".utf8))
        #expect(Array(wavBytes[4..<8]) == [0xA4, 0x07, 0, 0])  // 36 + 1920
        #expect(Array(wavBytes[40..<44]) == [0x80, 0x07, 0, 0])  // 1920
        #expect(Array(wavBytes[24..<28]) == [0x80, 0xBB, 0, 0])  // 48 000

        var y4m = try Y4MWriter(sink: MemorySink(), width: 320, height: 240)
        try y4m.write(TestPatternSource(width: 320, height: 240).frame(number: 0, captureTime: .zero))
        let header = "YUV4MPEG2 W320 H240 F30:1 Ip A1:1 C420jpeg\nFRAME\n"
        #expect(y4m.sink.bytes.count == header.utf8.count + 320 * 240 * 3 / 2)
        #expect(Array(y4m.sink.bytes.prefix(header.utf8.count)) == Array(header.utf8))
    }

    @Test func fileSinkWritesAndPatches() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("linkup-media-\(#line).ivf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = try FileSink(path: path)
        var writer = try IVFWriter(sink: sink, width: 64, height: 48, rate: 90_000)
        try writer.write([1, 2, 3], pts: 0)
        try writer.write([4, 5], pts: 3000)
        try writer.finish()
        try sink.close()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let file = try IVFFile(parsing: bytes)
        #expect(file.declaredFrameCount == 2)
        #expect(file.frames == [IVFFile.Frame(pts: 0, data: [1, 2, 3]), IVFFile.Frame(pts: 3000, data: [4, 5])])
        #expect(throws: MediaError.self) { try sink.write([0]) }
        #expect(throws: MediaError.self) { try FileSink(path: "/nonexistent-dir/x.ivf") }
    }
}
