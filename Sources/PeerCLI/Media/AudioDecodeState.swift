import Media
import MediaSession
import PeerRuntime
import RTP
import Wire

/// The audio decoder thread's own state: the Opus receive path (gaps filled by FEC or concealment), the speaker
/// tap, and the SNR of a known tone.
struct AudioDecodeState {
    private var path: OpusReceivePath?
    private var toneReference: ToneReference?
    private var samples: [Int16] = []
    private var reference: [Int16] = []
    /// Where decoded audio goes besides the measurements (the speaker), called on the decoder thread.
    let decodedAudio: (@Sendable (AudioFrame, UInt32) -> Void)?

    init(remoteToneFrequency: Double?, decodedAudio: (@Sendable (AudioFrame, UInt32) -> Void)?) {
        path = try? OpusReceivePath(channels: 1)
        toneReference = remoteToneFrequency.map { ToneReference(source: ToneSource(frequency: $0)) }
        self.decodedAudio = decodedAudio
    }

    /// What decoding one packet measured, applied to the shared measurements afterwards (`apply(to:)`), so the
    /// decoder never runs under their lock.
    struct Result {
        var decodeSeconds = 0.0
        var framesDecoded = 0
        var framesConcealed = 0
        var packetsLate = 0
        var decodedAt: Instant?
        /// RTP timestamps of the frames decoded from their own packets, and the local NTP time they played at.
        var played: [(rtpTimestamp: UInt32, localNTP: UInt64)] = []
        var snr: [Double] = []

        func apply(to measurements: inout MediaMeasurements) {
            measurements.decodeSeconds += decodeSeconds
            measurements.audioFramesDecoded += framesDecoded
            measurements.audioFramesConcealed = framesConcealed
            measurements.audioPacketsLate = packetsLate
            if measurements.firstAudioDecodedAt == nil, framesDecoded > 0 { measurements.firstAudioDecodedAt = decodedAt }
            for entry in played { measurements.sync.audioPlayed(rtpTimestamp: entry.rtpTimestamp, localNTP: entry.localNTP) }
            for value in snr {
                measurements.snrSum += value
                measurements.snrCount += 1
            }
        }
    }

    /// Decodes one packet (and fills the gap before it).
    mutating func decode(_ request: AudioDecodeRequest, ntp: NTPClock) -> Result {
        guard var path else { return Result() }
        let started = processThreadCPU()
        let frames = path.receive(sequenceNumber: request.sequenceNumber, timestamp: request.rtpTimestamp,
                                  payload: request.payload)
        self.path = path
        let now = RuntimeClock.now()
        var result = Result(decodeSeconds: processThreadCPU() - started, framesConcealed: path.framesConcealed,
                            packetsLate: path.packetsLate, decodedAt: now)
        for decoded in frames {
            decodedAudio?(decoded.frame, decoded.rtpTimestamp)
            if !decoded.concealed {
                result.framesDecoded += 1
                result.played.append((decoded.rtpTimestamp, ntp.ntp(at: now)))
            }
            if let snr = measureTone(decoded.frame.samples, rtpTimestamp: decoded.rtpTimestamp) {
                result.snr.append(snr)
            }
        }
        return result
    }

    /// SNR against the known tone, in one-second windows (so codec delay is found by alignment and old audio is
    /// let go); the reference is the tone at the frame's RTP timestamp, so a lost packet shifts nothing. Returns
    /// a window's SNR when one completed.
    private mutating func measureTone(_ decoded: [Int16], rtpTimestamp: UInt32) -> Double? {
        guard let toneReference else { return nil }
        samples += decoded
        reference += toneReference.samples(at: Int(rtpTimestamp), count: decoded.count)
        guard samples.count >= AudioFrame.sampleRate else { return nil }
        let snr = Quality.snr(reference: reference, decoded: samples)
        samples.removeAll(keepingCapacity: true)
        reference.removeAll(keepingCapacity: true)
        return snr
    }
}

/// The tone a `ToneSource` produced, at any sample position: regenerated from the first frame's samples, which
/// repeat with the tone's period only for whole-hertz tones at 48 kHz (440 and 660 Hz: period 1/20 s = 2400 samples).
struct ToneReference {
    private let period: [Int16]

    init(source: ToneSource) {
        var source = source
        var samples: [Int16] = []
        while samples.count < AudioFrame.sampleRate / 20 { samples += source.nextFrame().samples }
        period = Array(samples.prefix(AudioFrame.sampleRate / 20))
    }

    func samples(at position: Int, count: Int) -> [Int16] {
        (0..<count).map { period[(position + $0) % period.count] }
    }
}
