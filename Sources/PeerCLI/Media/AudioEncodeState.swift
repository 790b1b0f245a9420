import Media
import MediaSession

/// The audio encoder thread's own state: the Opus encoder (in-band FEC on) and the bitrate and expected loss it
/// was last set to, changed when the engine's target changes.
struct AudioEncodeState {
    private let encoder: OpusEncoder?
    private var applied: AudioEncoderTarget?

    init(bitrate: Int) {
        encoder = try? OpusEncoder(channels: 1, bitrate: bitrate)
    }

    /// Encodes 20 ms at the request's target; nil when the encoder failed.
    mutating func encode(_ request: AudioEncodeRequest) -> [UInt8]? {
        guard let encoder else { return nil }
        if let target = request.target, target != applied {
            try? encoder.setBitrate(target.bitrate)
            try? encoder.setPacketLossPercent(target.packetLossPercent)
            applied = target
        }
        return try? encoder.encode(request.frame)
    }
}
