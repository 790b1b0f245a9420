import Wire

/// Records 48 kHz signed 16-bit audio from an ALSA PCM ("default" unless told) in 20 ms `AudioFrame`s.
///
/// `read` blocks until a frame has been recorded, so the device's clock paces the caller. An overrun (the caller
/// fell behind and the device had nowhere to put new samples) is recovered from with snd_pcm_recover and counted;
/// the samples lost in it are gone and reading continues with fresh ones. Not thread-safe: one owner reads.
public final class ALSACapture: AudioCaptureSource {
    private let pcm: ALSAPCM

    /// Opens `device` for capture with `channels` channels and a ring buffer of `periods` 20 ms periods.
    public init(device: String = "default", channels: Int = 1, periods: Int = 4) throws(DeviceError) {
        pcm = try ALSAPCM(device: device, playback: false, channels: channels, periods: periods)
    }

    /// The PCM name.
    public var device: String { pcm.device }
    /// 1 or 2.
    public var channels: Int { pcm.channels }
    /// Frames per period as the device granted (960 = 20 ms asked).
    public var periodFrames: Int { pcm.periodFrames }
    /// Frames the ring buffer holds.
    public var bufferFrames: Int { pcm.bufferFrames }
    /// Overruns recovered from so far.
    public var overruns: Int { pcm.xruns }

    /// The next 20 ms (960 samples per channel), stamped with when its first sample was recorded on the monotonic
    /// clock: now, less the frame's own length and what is still waiting in the device's buffer.
    public func read() throws(DeviceError) -> AudioFrame {
        let frames = AudioFrame.samplesPerChannel20ms
        let samples = try pcm.read(frames: frames)
        let behind = Int64(frames + pcm.delayFrames) * 1_000_000_000 / Int64(AudioFrame.sampleRate)
        let now = DeviceClock.now()
        return AudioFrame(samples: samples, channels: pcm.channels,
            timestamp: Instant(nanoseconds: now.nanoseconds - behind))
    }

    /// Stops recording and closes the device.
    public func close() { pcm.close() }
}
