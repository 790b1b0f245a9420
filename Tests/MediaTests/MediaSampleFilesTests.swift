import Foundation
import Testing
import Wire
@testable import Media

/// Files written by LinkUp's writers for external tools to check (Tests/Interop/test_media_files.py runs this
/// suite with LINKUP_MEDIA_SAMPLES_DIR set and then asks ffprobe about the files), and files written by ffmpeg that
/// LinkUp's readers must accept.
@Suite struct MediaSampleFilesTests {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var samplesDirectory: String {
        if let directory = ProcessInfo.processInfo.environment["LINKUP_MEDIA_SAMPLES_DIR"] { return directory }
        return FileManager.default.temporaryDirectory.appendingPathComponent("linkup-media-samples-\(getpid())").path
    }

    @Test func writesSampleFiles() throws {
        let directory = Self.samplesDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["LINKUP_MEDIA_SAMPLES_DIR"] == nil {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        // 30 frames of 320x240 VP8 at 30 fps with pts in 90 kHz RTP ticks, plus the raw pictures as Y4M.
        let source = TestPatternSource(width: 320, height: 240)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: 320, height: 240, bitrate: 500_000))
        let ivfSink = try FileSink(path: directory + "/pattern.ivf")
        var ivf = try IVFWriter(sink: ivfSink, width: 320, height: 240, rate: 90_000)
        let y4mSink = try FileSink(path: directory + "/pattern.y4m")
        var y4m = try Y4MWriter(sink: y4mSink, width: 320, height: 240)
        for number in 0..<30 {
            let frame = source.frame(number: UInt32(number), captureTime: .milliseconds(Int64(number) * 100 / 3))
            try y4m.write(frame)
            for packet in try encoder.encode(frame) { try ivf.write(packet.data, pts: UInt64(packet.pts)) }
        }
        try ivf.finish()
        try ivfSink.close()
        try y4mSink.close()
        #expect(ivf.frameCount == 30)

        // 1 s of a stereo tone as Ogg Opus (50 packets) and as WAV.
        var tone = ToneSource(frequency: 1000, channels: 2)
        let opus = try OpusEncoder(channels: 2, bitrate: 64_000)
        let oggSink = try FileSink(path: directory + "/tone.opus")
        var ogg = try OggOpusWriter(sink: oggSink, serialNumber: 0x4C69_6E6B, channels: 2)
        let wavSink = try FileSink(path: directory + "/tone.wav")
        var wav = try WAVWriter(sink: wavSink, channels: 2)
        for _ in 0..<50 {
            let frame = tone.nextFrame()
            try wav.write(frame)
            try ogg.append(try opus.encode(frame))
        }
        try ogg.finish()
        try wav.finish()
        try oggSink.close()
        try wavSink.close()
        let oggBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/tone.opus")))
        let written = try OggOpusFile(parsing: oggBytes)
        #expect(written.packets.count == 50)
    }

    @Test func readsFilesWrittenByFFmpeg() throws {
        let seeds = Self.packageRoot.appendingPathComponent("fixtures/fuzz-seeds")
        let ivfBytes = [UInt8](try Data(contentsOf: seeds.appendingPathComponent("ivf/ffmpeg-5frames.ivf")))
        let ivf = try IVFFile(parsing: ivfBytes)
        #expect(ivf.frames.count == 5)
        #expect(ivf.width == 64 && ivf.height == 48)
        let decoder = try VP8Decoder()
        for frame in ivf.frames { #expect(try decoder.decode(frame.data)?.width == 64) }

        let oggBytes = [UInt8](try Data(contentsOf: seeds.appendingPathComponent("ogg/ffmpeg-tone.opus")))
        let ogg = try OggOpusFile(parsing: oggBytes)
        #expect(ogg.head.channels == 1)
        #expect(!ogg.packets.isEmpty)
        let opus = try OpusDecoder(channels: 1)
        for packet in ogg.packets { _ = try opus.decode(packet) }
        // ffmpeg wrote 0.1 s: the last granule is pre-skip plus 4800 samples (ffmpeg trims the end exactly).
        #expect(ogg.finalGranulePosition == UInt64(ogg.head.preSkip) + 4800)
    }
}
