import Testing
import Wire
@testable import Media

@Suite struct OpusCodecTests {
    /// 1 s of a 1 kHz tone through encoder and decoder, in 20 ms frames.
    static func roundTrip(channels: Int, bitrate: Int) throws -> (reference: [Int16], decoded: [Int16]) {
        var tone = ToneSource(frequency: 1000, channels: channels)
        let encoder = try OpusEncoder(channels: channels, bitrate: bitrate)
        let decoder = try OpusDecoder(channels: channels)
        var reference: [Int16] = []
        var decoded: [Int16] = []
        for index in 0..<50 {
            let frame = tone.nextFrame(timestamp: .milliseconds(Int64(index) * 20))
            reference += frame.samples
            let packet = try encoder.encode(frame)
            #expect(!packet.isEmpty)
            decoded += try decoder.decode(packet).samples
        }
        return (reference, decoded)
    }

    @Test(arguments: [1, 2])
    func toneSurvivesRoundTrip(channels: Int) throws {
        let (reference, decoded) = try Self.roundTrip(channels: channels, bitrate: 64_000)
        #expect(decoded.count == reference.count)
        // Compare one channel (stereo carries the same tone in both).
        let left = { (samples: [Int16]) in stride(from: 0, to: samples.count, by: channels).map { samples[$0] } }
        let snr = Quality.snr(reference: left(reference), decoded: left(decoded))
        #expect(snr > 20, "SNR \(snr) dB")
        // Opus's algorithmic delay at 48 kHz is 312 samples (6.5 ms). A pure tone repeats every 48 samples, so the
        // aligner can only find the delay modulo one period (and the codec's phase response moves it a few samples).
        let lag = Quality.bestLag(reference: left(reference), decoded: left(decoded))
        let offset = ((lag - 312) % 48 + 48) % 48
        #expect(offset <= 4 || offset >= 44, "lag \(lag)")
    }

    @Test func fecRebuildsALostFrameBetterThanConcealment() throws {
        var tone = ToneSource(frequency: 440, amplitude: 0.3)
        let encoder = try OpusEncoder(channels: 1, bitrate: 24_000, packetLossPercent: 20)
        var packets: [[UInt8]] = []
        for _ in 0..<30 { packets.append(try encoder.encode(tone.nextFrame())) }
        let lost = 20
        // What the lost frame decodes to when nothing is lost.
        let clean = try OpusDecoder(channels: 1)
        var cleanFrames: [[Int16]] = []
        for packet in packets { cleanFrames.append(try clean.decode(packet).samples) }

        let withFEC = try OpusDecoder(channels: 1)
        let withPLC = try OpusDecoder(channels: 1)
        for packet in packets[..<lost] {
            _ = try withFEC.decode(packet)
            _ = try withPLC.decode(packet)
        }
        let recovered = try withFEC.decodeLost(nextPacket: packets[lost + 1])
        let concealed = try withPLC.decodeLost()
        #expect(recovered.samples.count == 960)
        #expect(concealed.samples.count == 960)
        let fecSNR = Quality.snr(reference: cleanFrames[lost], decoded: recovered.samples, maxLag: 0)
        let plcSNR = Quality.snr(reference: cleanFrames[lost], decoded: concealed.samples, maxLag: 0)
        #expect(fecSNR > plcSNR, "FEC \(fecSNR) dB vs PLC \(plcSNR) dB")
        #expect(fecSNR > 5, "FEC \(fecSNR) dB")
    }

    @Test func bitrateAndErrorsAreReported() throws {
        let encoder = try OpusEncoder(channels: 1, bitrate: 32_000)
        #expect(encoder.bitrate == 32_000)
        try encoder.setBitrate(48_000)
        #expect(encoder.bitrate == 48_000)
        #expect(throws: MediaError.self) { try OpusEncoder(channels: 3) }
        // A 7 ms frame is not a legal Opus frame size: libopus answers OPUS_BAD_ARG with its own message.
        let odd = AudioFrame(samples: [Int16](repeating: 0, count: 336), channels: 1)
        #expect(throws: MediaError.opus(code: -1, message: "invalid argument")) { try encoder.encode(odd) }
        let decoder = try OpusDecoder(channels: 1)
        #expect(throws: MediaError.self) { try decoder.decode([0xFF]) }
    }
}
