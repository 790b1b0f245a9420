/// Something that produces captured pictures one at a time: a camera, or anything standing in for one. Calls come
/// from one owner (a capture thread); implementations are not required to be thread-safe.
public protocol VideoCaptureSource: AnyObject {
    /// The next picture, waiting at most `timeout` for it (nil: wait as long as it takes); nil when none arrived
    /// in time.
    func nextFrame(timeout: Duration?) throws(DeviceError) -> VideoFrame?
    /// Stops capturing and releases the device; later `nextFrame` calls throw `DeviceError.closed`.
    func close()
}
