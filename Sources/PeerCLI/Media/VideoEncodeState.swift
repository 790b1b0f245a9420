import Media
import MediaSession

/// The video encoder thread's own state: a VP8 encoder that follows the engine's target (`AdaptiveVP8Encoder`).
struct VideoEncodeState {
    private var encoder: AdaptiveVP8Encoder
    /// Screen content keeps its resolution (text must stay legible) and gives up frame rate and quality instead,
    /// as browsers do for screen sharing ("maintain-resolution").
    let keepsResolution: Bool

    init(bitrate: Int, frameRate: Int, keepsResolution: Bool) {
        encoder = AdaptiveVP8Encoder(defaultBitrate: bitrate, frameRate: frameRate)
        self.keepsResolution = keepsResolution
    }

    /// Encodes one picture at the request's target; the frames the encoder produced.
    mutating func encode(_ request: VideoEncodeRequest) -> [EncodedVideoFrame] {
        encoder.encode(request.frame, forceKeyframe: request.forceKeyframe, bitrate: request.target?.bitrate,
                       scaleDivisor: keepsResolution ? 1 : request.target?.scaleDivisor ?? 1)
    }
}
