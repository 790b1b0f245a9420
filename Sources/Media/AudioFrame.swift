import Wire

/// A block of 48 kHz interleaved signed 16-bit PCM: normally 20 ms, 960 samples per channel, the Opus frame size
/// LinkUp sends.
public struct AudioFrame: Sendable, Equatable {
    /// The only sample rate LinkUp's audio path runs at (Opus's native rate).
    public static let sampleRate = 48_000
    /// Samples per channel in one 20 ms frame at 48 kHz.
    public static let samplesPerChannel20ms = 960

    /// Interleaved samples: for stereo L R L R ...
    public var samples: [Int16]
    /// 1 (mono) or 2 (stereo).
    public let channels: Int
    /// When the first sample was captured (or synthesised) on the sender's clock.
    public var timestamp: Instant

    /// Samples per channel (`samples.count / channels`).
    public var samplesPerChannel: Int { samples.count / channels }

    /// A frame over `samples`, which must hold a whole number of samples per channel.
    public init(samples: [Int16], channels: Int, timestamp: Instant = .zero) {
        precondition(channels == 1 || channels == 2, "LinkUp audio is mono or stereo")
        precondition(samples.count % channels == 0, "interleaved samples must fill every channel")
        self.samples = samples
        self.channels = channels
        self.timestamp = timestamp
    }

    /// A silent frame of `samplesPerChannel` samples per channel (20 ms by default).
    public init(silenceChannels channels: Int, samplesPerChannel: Int = 960, timestamp: Instant = .zero) {
        self.init(samples: [Int16](repeating: 0, count: samplesPerChannel * channels), channels: channels,
            timestamp: timestamp)
    }
}
