/// Something that records 48 kHz signed 16-bit audio in 20 ms frames: a microphone, or anything standing in for one.
public protocol AudioCaptureSource: AnyObject {
    /// 1 (mono) or 2 (stereo).
    var channels: Int { get }
    /// The next 20 ms of audio (960 samples per channel), blocking until it has been recorded.
    func read() throws(DeviceError) -> AudioFrame
    /// Stops recording and releases the device.
    func close()
}
