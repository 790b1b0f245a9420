import Media
import MediaSession
import Wire

/// The video encoder thread's own state: a VP8 encoder for the current picture size (a new one, starting with a
/// keyframe, when the size changes: a camera that switched modes, a screen that was resized).
struct VideoEncodeState {
    private var encoder: VP8Encoder?
    let bitrate: Int
    let frameRate: Int

    init(bitrate: Int, frameRate: Int) {
        self.bitrate = bitrate
        self.frameRate = frameRate
    }

    /// Encodes one picture; the frames the encoder produced (none when it failed or skipped the picture).
    mutating func encode(_ request: VideoEncodeRequest) -> [EncodedVideoFrame] {
        let frame = request.frame
        var force = request.forceKeyframe
        if encoder?.configuration.width != frame.width || encoder?.configuration.height != frame.height {
            var settings = VP8EncoderConfiguration(width: frame.width, height: frame.height, bitrate: bitrate)
            settings.frameRate = frameRate
            encoder = try? VP8Encoder(settings)
            force = true
        }
        guard let encoder, let encoded = try? encoder.encode(frame, forceKeyframe: force) else { return [] }
        return encoded
    }
}
