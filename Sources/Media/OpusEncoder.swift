internal import COpus
internal import CShim
import Wire

/// A libopus encoder for 48 kHz mono or stereo speech-and-music at 20 ms per packet, set up the way WebRTC uses
/// Opus: VOIP application, in-band FEC on (so a receiver can rebuild a lost packet from the next one), DTX off unless
/// asked. Not thread-safe: one owner encodes.
public final class OpusEncoder {
    /// 1 or 2.
    public let channels: Int
    private let encoder: OpaquePointer
    // libopus writes into this reused buffer; 1500 bytes is more than any 20 ms packet at the bitrates allowed.
    private var output = [UInt8](repeating: 0, count: 1500)

    /// Creates an encoder; `bitrate` is bits per second (6 000...510 000), `packetLossPercent` tells FEC how much
    /// loss to plan for (0...100), `complexity` trades CPU for quality (0...10).
    public init(
        channels: Int = 1, bitrate: Int = 32_000, packetLossPercent: Int = 10, dtx: Bool = false,
        complexity: Int = 9
    ) throws(MediaError) {
        guard channels == 1 || channels == 2 else { throw .invalidConfiguration("Opus channels must be 1 or 2") }
        var error: Int32 = 0
        guard let encoder = opus_encoder_create(48_000, Int32(channels), OPUS_APPLICATION_VOIP, &error),
            error == OPUS_OK
        else { throw OpusEncoder.error(error) }
        self.encoder = encoder
        self.channels = channels
        try OpusEncoder.check(linkup_opus_set_inband_fec(encoder, 1))
        try OpusEncoder.check(linkup_opus_set_dtx(encoder, dtx ? 1 : 0))
        try setBitrate(bitrate)
        try setPacketLossPercent(packetLossPercent)
        try OpusEncoder.check(linkup_opus_set_complexity(encoder, Int32(clamping: complexity)))
    }

    deinit { opus_encoder_destroy(encoder) }

    /// The bitrate libopus is targeting, in bits per second.
    public var bitrate: Int {
        var value: Int32 = 0
        _ = linkup_opus_get_bitrate(encoder, &value)
        return Int(value)
    }

    /// Changes the target bitrate (bits per second) from the next packet on, e.g. on a bandwidth estimate.
    public func setBitrate(_ bitsPerSecond: Int) throws(MediaError) {
        try OpusEncoder.check(linkup_opus_set_bitrate(encoder, Int32(clamping: bitsPerSecond)))
    }

    /// Tells the encoder how much loss to expect (0...100 %); more loss makes it spend more bits on FEC.
    public func setPacketLossPercent(_ percent: Int) throws(MediaError) {
        try OpusEncoder.check(linkup_opus_set_packet_loss_perc(encoder, Int32(clamping: percent)))
    }

    /// Turns in-band FEC (RFC 6716 §2.1.7) on or off: worth its bits only when packets are being lost.
    public func setInbandFEC(_ on: Bool) throws(MediaError) {
        try OpusEncoder.check(linkup_opus_set_inband_fec(encoder, on ? 1 : 0))
    }

    /// Encodes one frame (2.5, 5, 10, 20, 40 or 60 ms; LinkUp sends 20 ms) into one Opus packet (RFC 6716).
    public func encode(_ frame: AudioFrame) throws(MediaError) -> [UInt8] {
        guard frame.channels == channels else {
            throw .invalidFrame("frame has \(frame.channels) channel(s), the encoder \(channels)")
        }
        guard !frame.samples.isEmpty else { throw .invalidFrame("an empty frame cannot be encoded") }
        let perChannel = Int32(frame.samplesPerChannel)
        let written = frame.samples.withUnsafeBufferPointer { pcm in
            output.withUnsafeMutableBufferPointer { out in
                // Both buffers are non-empty (checked above; `output` is fixed), so their base addresses exist.
                opus_encode(encoder, pcm.baseAddress!, perChannel, out.baseAddress!, Int32(out.count))
            }
        }
        guard written >= 0 else { throw OpusEncoder.error(written) }
        return Array(output[0..<Int(written)])
    }

    static func check(_ code: Int32) throws(MediaError) {
        if code != OPUS_OK { throw error(code) }
    }

    static func error(_ code: Int32) -> MediaError {
        .opus(code: code, message: String(cString: opus_strerror(code)))
    }
}
