import Testing
import Wire
@testable import Media

@Suite struct VP8CodecTests {
    static let width = 640
    static let height = 480

    @Test func testPatternKeepsQualityAtOneMegabit() throws {
        let source = TestPatternSource(width: Self.width, height: Self.height)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: Self.width, height: Self.height,
            bitrate: 1_000_000))
        let decoder = try VP8Decoder()
        var psnrs: [Double] = []
        var keyframes: [Bool] = []
        for number in 0..<60 {
            let frame = source.frame(number: UInt32(number), captureTime: .milliseconds(Int64(number) * 33))
            let encoded = try encoder.encode(frame, forceKeyframe: number == 40)
            #expect(encoded.count == 1)
            for packet in encoded {
                keyframes.append(packet.isKeyframe)
                let picture = try #require(try decoder.decode(packet.data, captureTime: packet.captureTime))
                #expect(picture.width == Self.width && picture.height == Self.height)
                psnrs.append(Quality.psnr(reference: frame, decoded: picture))
            }
        }
        #expect(keyframes.first == true)
        #expect(keyframes[40] == true)
        #expect(keyframes.enumerated().filter { $0.element }.map(\.offset) == [0, 40])
        let average = psnrs.reduce(0, +) / Double(psnrs.count)
        #expect(average > 30, "average PSNR \(average) dB, minimum \(psnrs.min() ?? 0)")
    }

    @Test(arguments: [300_000, 1_000_000])
    func codeSurvivesCompression(bitrate: Int) throws {
        let source = TestPatternSource(width: Self.width, height: Self.height)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: Self.width, height: Self.height, bitrate: bitrate))
        let decoder = try VP8Decoder()
        let start = Instant(nanoseconds: 1_234_567_890_123)
        var misreads = 0
        for number in 0..<60 {
            let time = start + .milliseconds(33 * number)
            let frame = source.frame(number: UInt32(1000 + number), captureTime: time)
            for packet in try encoder.encode(frame) {
                let picture = try #require(try decoder.decode(packet.data))
                let read = TestPatternReader.read(picture)
                if read?.frameNumber != UInt32(1000 + number) || read?.captureTime != time { misreads += 1 }
            }
        }
        #expect(misreads == 0)
    }

    @Test func bitrateChangesAtRuntimeAndPtsFollowsCaptureTime() throws {
        let source = TestPatternSource(width: 320, height: 240)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: 320, height: 240, bitrate: 800_000))
        var sizesHigh = 0
        var sizesLow = 0
        var pts: [Int64] = []
        for number in 0..<60 {
            if number == 30 { try encoder.setBitrate(100_000) }
            let frame = source.frame(number: UInt32(number), captureTime: .milliseconds(Int64(number) * 40))
            for packet in try encoder.encode(frame) {
                pts.append(packet.pts)
                if number >= 10 && number < 30 { sizesHigh += packet.data.count }
                if number >= 40 { sizesLow += packet.data.count }
            }
        }
        #expect(encoder.configuration.bitrate == 100_000)
        #expect(sizesLow < sizesHigh)
        #expect(pts.prefix(3) == [0, 3600, 7200])
    }

    @Test func rejectsBadInput() throws {
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: 320, height: 240, bitrate: 300_000))
        #expect(throws: MediaError.self) { try encoder.encode(VideoFrame(width: 640, height: 480)) }
        #expect(throws: MediaError.self) { try VP8Encoder(VP8EncoderConfiguration(width: 3, height: 3, bitrate: 1)) }
        let decoder = try VP8Decoder()
        #expect(throws: MediaError.self) { try decoder.decode([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) }
    }

    @Test func patternReaderRejectsDamagedCodes() {
        let source = TestPatternSource(width: 640, height: 480)
        var frame = source.frame(number: 7, captureTime: .milliseconds(99))
        #expect(TestPatternReader.read(frame)?.frameNumber == 7)
        #expect(TestPatternReader.read(frame)?.captureTime == .milliseconds(99))
        // Flip one payload block (bit 20) from black to white or back: the CRC must catch it.
        let x0 = 20 * 16
        for row in 0..<16 {
            for x in x0..<x0 + 16 { frame.y[row * frame.strideY + x] = 255 - frame.y[row * frame.strideY + x] }
        }
        #expect(TestPatternReader.read(frame) == nil)
        #expect(TestPatternReader.read(VideoFrame(width: 640, height: 480)) == nil)
        #expect(TestPatternReader.read(VideoFrame(width: 64, height: 64)) == nil)
    }
}
