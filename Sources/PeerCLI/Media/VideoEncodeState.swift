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
    /// The bitrate the encoder runs at now.
    private var currentBitrate: Int?

    /// Encodes one picture at the request's target (scaled down with libyuv, at its bitrate); the frames the
    /// encoder produced (none when it failed or skipped the picture).
    mutating func encode(_ request: VideoEncodeRequest) -> [EncodedVideoFrame] {
        var frame = request.frame
        if let divisor = request.target?.scaleDivisor, divisor > 1 {
            // Even sizes: I420 chroma planes are half the luma plane.
            let width = max(frame.width / divisor / 2 * 2, 16), height = max(frame.height / divisor / 2 * 2, 16)
            frame = VideoScaler.scale(frame, width: width, height: height)
        }
        let wanted = request.target?.bitrate ?? bitrate
        var force = request.forceKeyframe
        if encoder?.configuration.width != frame.width || encoder?.configuration.height != frame.height {
            var settings = VP8EncoderConfiguration(width: frame.width, height: frame.height, bitrate: wanted)
            settings.frameRate = frameRate
            encoder = try? VP8Encoder(settings)
            currentBitrate = wanted
            force = true
        }
        guard let encoder else { return [] }
        if currentBitrate != wanted, (try? encoder.setBitrate(wanted)) != nil { currentBitrate = wanted }
        return (try? encoder.encode(frame, forceKeyframe: force)) ?? []
    }
}
