/// Plays 48 kHz signed 16-bit audio on an ALSA PCM ("default" unless told), one 20 ms `AudioFrame` per period.
///
/// `write` blocks while the device's ring buffer is full, so the device's clock paces the caller. An underrun (the
/// caller fell behind and the device ran dry) is recovered from with snd_pcm_recover and counted; playback carries
/// on. Not thread-safe: one owner writes.
public final class ALSAPlayback: AudioPlaybackSink {
    private let pcm: ALSAPCM

    /// Opens `device` for playback with `channels` channels and a ring buffer of `periods` 20 ms periods.
    public init(device: String = "default", channels: Int = 1, periods: Int = 4) throws(DeviceError) {
        pcm = try ALSAPCM(device: device, playback: true, channels: channels, periods: periods)
    }

    /// The PCM name.
    public var device: String { pcm.device }
    /// 1 or 2.
    public var channels: Int { pcm.channels }
    /// Frames per period as the device granted (960 = 20 ms asked).
    public var periodFrames: Int { pcm.periodFrames }
    /// Frames the ring buffer holds.
    public var bufferFrames: Int { pcm.bufferFrames }
    /// Underruns recovered from so far.
    public var underruns: Int { pcm.xruns }
    /// Frames written but not yet played (the output latency right now).
    public var queuedFrames: Int { pcm.delayFrames }

    /// Queues `frame` for playing; its channel count must match the device's.
    public func write(_ frame: AudioFrame) throws(DeviceError) {
        guard frame.channels == pcm.channels else {
            throw .invalidFrame("frame has \(frame.channels) channel(s), the playback device \(pcm.channels)")
        }
        try pcm.write(frame.samples)
    }

    /// Waits until everything queued has been played, then stops.
    public func drain() { pcm.drain() }

    /// Stops at once (dropping what is queued) and closes the device.
    public func close() { pcm.close() }
}
