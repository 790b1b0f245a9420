#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Wire

/// A synthetic microphone: a sine tone in 20 ms frames, phase-continuous from one frame to the next.
public struct ToneSource: Sendable {
    /// Tone frequency in hertz.
    public let frequency: Double
    /// Samples per second (LinkUp's audio path runs at 48 000).
    public let sampleRate: Int
    /// 1 or 2; stereo carries the same tone in both channels.
    public let channels: Int
    /// Peak amplitude as a fraction of full scale.
    public let amplitude: Double
    // Samples generated so far (per channel): the phase is computed from it, so it never drifts.
    private var position: Int64 = 0

    /// A tone of `frequency` Hz at `amplitude` (0...1) of full scale.
    public init(frequency: Double, sampleRate: Int = 48_000, channels: Int = 1, amplitude: Double = 0.5) {
        precondition(channels == 1 || channels == 2, "LinkUp audio is mono or stereo")
        self.frequency = frequency
        self.sampleRate = sampleRate
        self.channels = channels
        self.amplitude = amplitude
    }

    /// The next 20 ms of the tone, stamped `timestamp`.
    public mutating func nextFrame(timestamp: Instant = .zero) -> AudioFrame {
        let count = sampleRate / 50
        var samples = [Int16](repeating: 0, count: count * channels)
        let step = 2 * Double.pi * frequency / Double(sampleRate)
        let scale = amplitude * 32767
        // Reduce the phase modulo one period's worth of samples so sin() keeps full precision on long runs.
        let period = Double(sampleRate) / frequency
        let base = Double(position).truncatingRemainder(dividingBy: period * 1_000)
        samples.withUnsafeMutableBufferPointer { out in
            for index in 0..<count {
                let value = Int16((scale * sin(step * (base + Double(index)))).rounded())
                for channel in 0..<channels { out[index * channels + channel] = value }
            }
        }
        position += Int64(count)
        return AudioFrame(samples: samples, channels: channels, timestamp: timestamp)
    }
}
