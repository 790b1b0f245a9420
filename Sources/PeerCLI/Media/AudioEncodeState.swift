import Media
import MediaSession

/// The audio encoder thread's own state: the Opus encoder and the bitrate, expected loss and FEC setting it was
/// last set to, changed when the engine's target changes (FEC stays on until congestion control says otherwise).
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
            if target.fec != applied?.fec ?? true { try? encoder.setInbandFEC(target.fec) }
            applied = target
        }
        return try? encoder.encode(request.frame)
    }
}
