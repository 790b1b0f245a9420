/// A VP8 encoder that follows a changing target: pictures scaled down by a divisor (libyuv), the bitrate changed
/// in place (`vpx_codec_enc_config_set`), and a new encoder, starting with a keyframe, whenever the encoded size
/// changes (a camera that switched modes, a screen that was resized, a scale step of congestion control).
public struct AdaptiveVP8Encoder {
    private var encoder: VP8Encoder?
    private var currentBitrate: Int?
    /// The bitrate used when a request names none.
    public let defaultBitrate: Int
    /// The frame rate the encoder is configured for.
    public let frameRate: Int

    /// An encoder made on the first picture.
    public init(defaultBitrate: Int, frameRate: Int) {
        self.defaultBitrate = defaultBitrate
        self.frameRate = frameRate
    }

    /// The size pictures are encoded at after scaling by `divisor` (even, at least 16x16: I420 chroma is half).
    static func scaledSize(width: Int, height: Int, divisor: Int) -> (width: Int, height: Int) {
        guard divisor > 1 else { return (width, height) }
        return (max(width / divisor / 2 * 2, 16), max(height / divisor / 2 * 2, 16))
    }

    /// Encodes `frame` scaled down by `scaleDivisor` at `bitrate` (nil: the default); the frames the encoder
    /// produced (none when it failed or skipped the picture).
    public mutating func encode(_ frame: VideoFrame, forceKeyframe: Bool, bitrate: Int?, scaleDivisor: Int)
        -> [EncodedVideoFrame]
    {
        var picture = frame
        if scaleDivisor > 1 {
            let size = Self.scaledSize(width: frame.width, height: frame.height, divisor: scaleDivisor)
            picture = VideoScaler.scale(frame, width: size.width, height: size.height)
        }
        let wanted = bitrate ?? defaultBitrate
        var force = forceKeyframe
        if encoder?.configuration.width != picture.width || encoder?.configuration.height != picture.height {
            var settings = VP8EncoderConfiguration(width: picture.width, height: picture.height, bitrate: wanted)
            settings.frameRate = frameRate
            settings.dropFrameThreshold = 30
            encoder = try? VP8Encoder(settings)
            currentBitrate = wanted
            force = true
        }
        guard let encoder else { return [] }
        if currentBitrate != wanted, (try? encoder.setBitrate(wanted)) != nil { currentBitrate = wanted }
        return (try? encoder.encode(picture, forceKeyframe: force)) ?? []
    }
}
