internal import CSpeexDSP

/// Acoustic echo cancellation and noise suppression for the microphone, on SpeexDSP: `speex_echo_cancellation`
/// (a multi-delay block frequency-domain adaptive filter) removes the loudspeaker's signal as the microphone picked
/// it up, then the preprocessor suppresses the residual echo and stationary noise.
///
/// Works on 48 kHz mono in 10 ms blocks (two per 20 ms frame). The far-end reference is what was played, handed
/// over in step with the microphone (see `AudioPlayout.reference`); the echo may lag it by up to the filter's tail
/// (`tailMs`, 200 ms by default). Not thread-safe: one owner (the capture path) calls it.
public final class EchoCanceller {
    /// Samples per processing block (10 ms at 48 kHz).
    public static let blockSize = 480
    private let echo: OpaquePointer
    private let preprocess: OpaquePointer
    /// Whether the preprocessor also removes stationary noise.
    public let suppressesNoise: Bool
    private let runsPreprocessor: Bool

    /// A canceller with an echo tail of `tailMs` milliseconds; `noiseSuppression` turns on the preprocessor's
    /// denoiser as well as its residual-echo suppressor.
    public init(tailMs: Int = 200, noiseSuppression: Bool = true, residualSuppression: Bool = true) {
        let sampleRate: Int32 = 48_000
        echo = speex_echo_state_init(Int32(Self.blockSize), Int32(tailMs * 48))
        var rate = sampleRate
        _ = speex_echo_ctl(echo, SPEEX_ECHO_SET_SAMPLING_RATE, &rate)
        preprocess = speex_preprocess_state_init(Int32(Self.blockSize), sampleRate)
        var on: Int32 = noiseSuppression ? 1 : 0
        _ = speex_preprocess_ctl(preprocess, SPEEX_PREPROCESS_SET_DENOISE, &on)
        var off: Int32 = 0
        _ = speex_preprocess_ctl(preprocess, SPEEX_PREPROCESS_SET_AGC, &off)
        _ = speex_preprocess_ctl(preprocess, SPEEX_PREPROCESS_SET_DEREVERB, &off)
        // Residual echo suppression: -40 dB when only the far end talks, -15 dB while both do (keeps the near end).
        var suppress: Int32 = -40
        _ = speex_preprocess_ctl(preprocess, SPEEX_PREPROCESS_SET_ECHO_SUPPRESS, &suppress)
        var suppressActive: Int32 = -15
        _ = speex_preprocess_ctl(preprocess, SPEEX_PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE, &suppressActive)
        if residualSuppression {
            _ = speex_preprocess_ctl(preprocess, SPEEX_PREPROCESS_SET_ECHO_STATE, UnsafeMutableRawPointer(echo))
        }
        suppressesNoise = noiseSuppression
        runsPreprocessor = noiseSuppression || residualSuppression
    }

    deinit {
        speex_preprocess_state_destroy(preprocess)
        speex_echo_state_destroy(echo)
    }

    /// The microphone's `captured` samples with the echo of `played` (the same number of far-end samples, in step)
    /// removed. Any length that is a multiple of 480 samples; a trailing partial block passes through unchanged.
    public func process(captured: [Int16], played: [Int16]) -> [Int16] {
        precondition(captured.count == played.count, "the far-end reference must match the captured block")
        var output = captured
        let blocks = captured.count / Self.blockSize
        captured.withUnsafeBufferPointer { near in
            played.withUnsafeBufferPointer { far in
                output.withUnsafeMutableBufferPointer { out in
                    for block in 0..<blocks {
                        let offset = block * Self.blockSize
                        speex_echo_cancellation(echo, near.baseAddress! + offset, far.baseAddress! + offset,
                                                out.baseAddress! + offset)
                        if runsPreprocessor { _ = speex_preprocess_run(preprocess, out.baseAddress! + offset) }
                    }
                }
            }
        }
        return output
    }

    /// Forgets what the filter learned (after the audio path changed).
    public func reset() { speex_echo_state_reset(echo) }
}
