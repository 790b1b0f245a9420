import Media
import MediaSession

/// The video encoder thread's own state: a VP8 encoder that follows the engine's target (`AdaptiveVP8Encoder`).
struct VideoEncodeState {
    private var encoder: AdaptiveVP8Encoder

    init(bitrate: Int, frameRate: Int) {
        encoder = AdaptiveVP8Encoder(defaultBitrate: bitrate, frameRate: frameRate)
    }

    /// Encodes one picture at the request's target; the frames the encoder produced.
    mutating func encode(_ request: VideoEncodeRequest) -> [EncodedVideoFrame] {
        encoder.encode(request.frame, forceKeyframe: request.forceKeyframe, bitrate: request.target?.bitrate,
                       scaleDivisor: request.target?.scaleDivisor ?? 1)
    }
}
