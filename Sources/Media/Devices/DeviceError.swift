/// Why opening, configuring or streaming from a camera (V4L2) or a sound device (ALSA) failed. Every case reads as a
/// sentence that names the device, because these errors end up in front of users who have to fix their setup.
public enum DeviceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing exists at `path`.
    case notFound(path: String)
    /// The device node exists but the user may not open it (EACCES/EPERM).
    case permissionDenied(path: String)
    /// Another program holds the device (EBUSY).
    case busy(path: String)
    /// `path` opened but does not answer VIDIOC_QUERYCAP, so it is not a V4L2 device at all.
    case notAVideoDevice(path: String)
    /// `path` is a V4L2 device without single-planar video capture (an output, metadata or codec node).
    case notACaptureDevice(path: String)
    /// The device captures but cannot stream through mmap buffers (V4L2_CAP_STREAMING is missing).
    case noStreaming(path: String)
    /// The device offers no picture format LinkUp can turn into I420; `offered` is what it answered with.
    case unsupportedFormat(path: String, offered: String)
    /// A system call or ioctl failed; `operation` names it (e.g. "VIDIOC_S_FMT"), `message` is `strerror(code)`.
    case system(path: String, operation: String, code: Int32, message: String)
    /// The device has been closed; nothing more can be read from it.
    case closed(path: String)
    /// An ALSA call on PCM `device` failed; `message` is `snd_strerror(code)`.
    case alsa(device: String, operation: String, code: Int32, message: String)
    /// A requested setting is out of range or was not granted (e.g. the device will not run at 48 kHz).
    case invalidConfiguration(String)
    /// A frame handed to or read from a device does not fit its configuration (size, channels, buffer length).
    case invalidFrame(String)

    /// A sentence for logs and users.
    public var description: String {
        switch self {
        case let .notFound(path): return "\(path) does not exist"
        case let .permissionDenied(path):
            return "permission denied opening \(path) — is the user in the video group?"
        case let .busy(path): return "\(path) is busy: another program is using it"
        case let .notAVideoDevice(path): return "\(path) is not a V4L2 video device"
        case let .notACaptureDevice(path): return "\(path) is not a capture device"
        case let .noStreaming(path): return "\(path) cannot stream frames through memory-mapped buffers"
        case let .unsupportedFormat(path, offered):
            return "\(path) offers no picture format LinkUp can convert to I420 (it offered \(offered))"
        case let .system(path, operation, code, message):
            return "\(operation) on \(path) failed: \(message) (errno \(code))"
        case let .closed(path): return "\(path) is closed"
        case let .alsa(device, operation, code, message):
            return "ALSA \(operation) on \"\(device)\" failed: \(message) (error \(code))"
        case let .invalidConfiguration(reason): return "invalid device configuration: \(reason)"
        case let .invalidFrame(reason): return "invalid frame: \(reason)"
        }
    }
}
