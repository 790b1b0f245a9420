internal import COpus
internal import CShim
import Wire

/// A libopus decoder producing 48 kHz interleaved PCM, with packet-loss concealment and in-band FEC recovery.
/// Not thread-safe: one owner decodes.
public final class OpusDecoder {
    /// 1 or 2: the channel count of the PCM this decoder produces (whatever the packets carry).
    public let channels: Int
    private let decoder: OpaquePointer
    // Room for the longest Opus packet, 120 ms at 48 kHz, reused across calls.
    private var pcm: [Int16]
    private static let maxSamplesPerChannel = 5760

    /// Creates a decoder for 48 kHz output with `channels` channels.
    public init(channels: Int = 1) throws(MediaError) {
        guard channels == 1 || channels == 2 else { throw .invalidConfiguration("Opus channels must be 1 or 2") }
        var error: Int32 = 0
        guard let decoder = opus_decoder_create(48_000, Int32(channels), &error), error == OPUS_OK else {
            throw OpusEncoder.error(error)
        }
        self.decoder = decoder
        self.channels = channels
        pcm = [Int16](repeating: 0, count: OpusDecoder.maxSamplesPerChannel * channels)
    }

    deinit { opus_decoder_destroy(decoder) }

    /// Decodes one packet into PCM stamped with `timestamp`.
    public func decode(_ packet: [UInt8], timestamp: Instant = .zero) throws(MediaError) -> AudioFrame {
        guard !packet.isEmpty else { throw .invalidFrame("an Opus packet is at least one byte") }
        return try run(packet, samplesPerChannel: OpusDecoder.maxSamplesPerChannel, fec: false, timestamp: timestamp)
    }

    /// Fills in for a lost packet of `samplesPerChannel` samples. With `nextPacket` (the packet after the lost one)
    /// it decodes that packet's in-band FEC copy of the lost audio (`opus_decode` with `decode_fec = 1`), falling
    /// back to concealment when the packet carries none; without it, libopus extrapolates (PLC). Afterwards decode
    /// `nextPacket` itself normally.
    public func decodeLost(
        nextPacket: [UInt8]? = nil, samplesPerChannel: Int = 960, timestamp: Instant = .zero
    ) throws(MediaError) -> AudioFrame {
        guard samplesPerChannel > 0, samplesPerChannel <= OpusDecoder.maxSamplesPerChannel,
            samplesPerChannel % 120 == 0
        else { throw .invalidConfiguration("lost duration must be a multiple of 2.5 ms up to 120 ms") }
        if let nextPacket, !nextPacket.isEmpty {
            return try run(nextPacket, samplesPerChannel: samplesPerChannel, fec: true, timestamp: timestamp)
        }
        return try run(nil, samplesPerChannel: samplesPerChannel, fec: false, timestamp: timestamp)
    }

    /// Forgets all decoder history (OPUS_RESET_STATE), e.g. after an SSRC change.
    public func reset() { _ = linkup_opus_decoder_reset(decoder) }

    private func run(
        _ packet: [UInt8]?, samplesPerChannel: Int, fec: Bool, timestamp: Instant
    ) throws(MediaError) -> AudioFrame {
        // `pcm` always holds 120 ms of samples, so its base address exists.
        let decoded: Int32 = pcm.withUnsafeMutableBufferPointer { out in
            if let packet {
                return packet.withUnsafeBufferPointer { data in
                    opus_decode(decoder, data.baseAddress, Int32(data.count), out.baseAddress!,
                        Int32(samplesPerChannel), fec ? 1 : 0)
                }
            }
            return opus_decode(decoder, nil, 0, out.baseAddress!, Int32(samplesPerChannel), 0)
        }
        guard decoded >= 0 else { throw OpusEncoder.error(decoded) }
        return AudioFrame(samples: Array(pcm[0..<Int(decoded) * channels]), channels: channels, timestamp: timestamp)
    }
}
