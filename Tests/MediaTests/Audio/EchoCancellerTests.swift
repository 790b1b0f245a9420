import Foundation
import Testing
@testable import Media

/// SpeexDSP echo cancellation on a synthetic echo path: the far end's speech-like noise comes back into the
/// microphone 30 ms later, attenuated, with a weaker reflection, and the near end talks over it in the second half.
@Suite struct EchoCancellerTests {
    /// Speech-like noise: white noise through a one-pole low-pass, switched on and off in syllables of 150-400 ms
    /// (with smooth edges), from a seeded generator.
    static func speechLike(seconds: Int, seed: UInt64, amplitude: Double) -> [Double] {
        var random = AudioJitterBufferTests.Seeded(state: seed)
        var output = [Double](repeating: 0, count: seconds * 48_000)
        var low = 0.0
        var index = 0
        while index < output.count {
            let syllable = 7200 + Int(random.next() * 12_000)
            let pause = Int(random.next() * 6000)
            let loudness = amplitude * (0.5 + random.next() * 0.5)
            for position in 0..<syllable where index + position < output.count {
                let envelope = sin(Double.pi * Double(position) / Double(syllable))
                low = 0.8 * low + 0.2 * (random.next() * 2 - 1)
                output[index + position] = low * envelope * loudness
            }
            index += syllable + pause
        }
        return output
    }

    static func energy(_ samples: ArraySlice<Double>) -> Double { samples.reduce(0) { $0 + $1 * $1 } }

    static func decibels(_ ratio: Double) -> Double { 10 * log10(max(ratio, 1e-12)) }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func cancelsTheEchoAndKeepsTheNearEnd(noise: Bool, residual: Bool) {
        let seconds = 14, talkStart = 10 * 48_000
        let far = Self.speechLike(seconds: seconds, seed: 1, amplitude: 12_000)
        let nearSpeech = Self.speechLike(seconds: seconds, seed: 2, amplitude: 5_000)
        // Echo path: 30 ms delay, -6 dB, and a reflection 12 ms later at -16 dB.
        var echo = [Double](repeating: 0, count: far.count)
        for index in 0..<far.count {
            if index >= 1440 { echo[index] += 0.5 * far[index - 1440] }
            if index >= 2016 { echo[index] += 0.16 * far[index - 2016] }
        }
        let near = nearSpeech.indices.map { $0 >= talkStart ? nearSpeech[$0] : 0 }
        let microphone = far.indices.map { Int16(clamping: Int((echo[$0] + near[$0]).rounded())) }
        let played = far.map { Int16(clamping: Int($0.rounded())) }

        let canceller = EchoCanceller(noiseSuppression: noise, residualSuppression: residual)
        var output: [Double] = []
        for start in stride(from: 0, to: microphone.count, by: 960) {
            let block = canceller.process(captured: Array(microphone[start..<start + 960]),
                                          played: Array(played[start..<start + 960]))
            output += block.map(Double.init)
        }
        // ERLE over the far-end-only seconds after convergence (4 to 10 s).
        let converged = 4 * 48_000..<talkStart
        let erle = Self.decibels(Self.energy(echo[converged]) / Self.energy(output[converged]))
        // The near end during double talk: how much of the output is the near end's speech.
        let talk = talkStart..<far.count
        // The preprocessor works on overlapping windows and delays its output: compare at the best lag (Quality
        // finds it by cross-correlation).
        let nearSamples = talk.map { Int16(clamping: Int(near[$0].rounded())) }
        let outputSamples = talk.map { Int16(clamping: Int(output[$0].rounded())) }
        let lag = Quality.bestLag(reference: nearSamples, decoded: outputSamples, maxLag: 1200)
        let snrAfter = Quality.snr(reference: nearSamples, decoded: outputSamples, maxLag: 1200)
        let snrBefore = Self.decibels(Self.energy(near[talk]) / Self.energy(echo[talk]))
        if noise, residual, let directory = ProcessInfo.processInfo.environment["LINKUP_AEC_DUMP"] {
            // The signals for Benchmarks/aec_compare (WebRTC's audio processing on the same echo path).
            let write = { (name: String, samples: [Int16]) in
                let data = samples.withUnsafeBufferPointer { Data(buffer: $0) }
                _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: data)
            }
            write("mic.raw", microphone)
            write("far.raw", played)
            write("near.raw", near.map { Int16(clamping: Int($0.rounded())) })
            write("echo.raw", echo.map { Int16(clamping: Int($0.rounded())) })
            write("speex.raw", output.map { Int16(clamping: Int($0.rounded())) })
        }
        print("AEC (noise \(noise), residual \(residual)): ERLE \(erle) dB after convergence; near-end SNR during double talk \(snrBefore) dB at the " +
              "microphone, \(snrAfter) dB after cancellation (lag \(lag))")
        #expect(erle >= 20, "ERLE \(erle) dB")
        #expect(snrAfter > snrBefore + 10, "near-end SNR \(snrBefore) -> \(snrAfter) dB")
    }
}

#if canImport(Glibc)
import Glibc
#endif
