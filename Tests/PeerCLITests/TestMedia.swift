import Media
import RTP
import Wire

/// Encoded media for the tests: test-pattern VP8 frames and tone Opus packets, made deterministically.
enum TestMedia {
    /// `count` VP8 frames of a 320x240 test pattern; the first is a keyframe.
    static func vp8Frames(_ count: Int) throws -> [EncodedVideoFrame] {
        let pattern = TestPatternSource(width: 320, height: 240)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: 320, height: 240, bitrate: 300_000))
        var frames: [EncodedVideoFrame] = []
        for number in 0..<count {
            let frame = pattern.frame(number: UInt32(number), captureTime: .milliseconds(Int64(number) * 33))
            frames += try encoder.encode(frame)
        }
        return frames
    }

    /// `count` 20 ms Opus packets of a 440 Hz tone.
    static func opusPackets(_ count: Int) throws -> [[UInt8]] {
        var tone = ToneSource(frequency: 440)
        let encoder = try OpusEncoder(channels: 1, bitrate: 32_000, packetLossPercent: 20)
        return try (0..<count).map { _ in try encoder.encode(tone.nextFrame()) }
    }
}
