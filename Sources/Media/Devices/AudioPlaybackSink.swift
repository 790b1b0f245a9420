/// Something that plays 48 kHz signed 16-bit audio: a loudspeaker, or anything standing in for one.
public protocol AudioPlaybackSink: AnyObject {
    /// 1 (mono) or 2 (stereo).
    var channels: Int { get }
    /// Queues `frame` for playing, blocking while the device's buffer is full.
    func write(_ frame: AudioFrame) throws(DeviceError)
    /// Stops playing (dropping what is queued) and releases the device.
    func close()
}
