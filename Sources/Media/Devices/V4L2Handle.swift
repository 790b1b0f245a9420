internal import CShim
internal import CV4L2

#if canImport(Glibc)
import Glibc
#endif

/// An open V4L2 device node: opened with plain open(2) and asked VIDIOC_QUERYCAP directly, so a path that is missing,
/// forbidden or not a video device is reported as a typed error without libv4l2 printing to stderr; then handed to
/// libv4l2 (`v4l2_fd_open`) so every later ioctl, mmap and close goes through libv4l, which converts the camera's
/// own formats (YUYV, MJPEG, ...) to YU12 on request.
final class V4L2Handle: V4L2DeviceIO {
    /// The node's path, for error messages.
    let path: String
    /// The file descriptor (the same number before and after libv4l2 wraps it).
    let fd: Int32
    /// The raw capability reply.
    let capability: v4l2_capability
    /// Whether libv4l2 wraps the descriptor (then v4l2_ioctl/v4l2_mmap/v4l2_close must be used).
    private(set) var wrapped = false
    private var closed = false

    /// libv4l2's V4L2_ENABLE_ENUM_FMT_EMULATION: list the formats libv4l can convert to as well as native ones.
    static let enableEnumFormatEmulation: Int32 = 0x02

    /// Opens `path` read-write and non-blocking (frames are waited for with poll) and checks it is a V4L2 device.
    init(path: String) throws(DeviceError) {
        let fd = Glibc.open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Self.openError(path: path, code: errno) }
        var capability = v4l2_capability()
        var result: Int32
        repeat {
            result = withUnsafeMutableBytes(of: &capability) {
                Glibc.ioctl(fd, linkup_vidioc_querycap(), $0.baseAddress!)
            }
        } while result == -1 && errno == EINTR
        if result != 0 {
            let code = errno
            Glibc.close(fd)
            if code == ENOTTY || code == EINVAL { throw .notAVideoDevice(path: path) }
            throw Self.systemError(path: path, operation: "VIDIOC_QUERYCAP", code: code)
        }
        self.path = path
        self.fd = fd
        self.capability = capability
    }

    /// Hands the descriptor to libv4l2 so that formats it can convert to become available.
    func wrapWithLibv4l() throws(DeviceError) {
        guard !wrapped else { return }
        guard v4l2_fd_open(fd, Self.enableEnumFormatEmulation) == fd else {
            throw Self.systemError(path: path, operation: "v4l2_fd_open", code: errno)
        }
        wrapped = true
    }

    /// The device's description from the capability reply (formats not enumerated yet).
    var info: V4L2DeviceInfo {
        var caps = capability
        let all = caps.capabilities
        let node = all & V4L2DeviceInfo.capDeviceCaps != 0 ? caps.device_caps : all
        let version = caps.version
        return V4L2DeviceInfo(
            path: path,
            name: Self.string(&caps.card), driver: Self.string(&caps.driver), bus: Self.string(&caps.bus_info),
            version: "\(version >> 16).\((version >> 8) & 0xFF).\(version & 0xFF)", capabilities: node)
    }

    /// One ioctl with a pointer argument, retried when a signal interrupts it; returns errno on failure, 0 on success.
    func ioctl(_ request: UInt, _ argument: UnsafeMutableRawPointer) -> Int32 {
        while true {
            let result = wrapped ? linkup_v4l2_ioctl(fd, request, argument) : Glibc.ioctl(fd, request, argument)
            if result != -1 { return 0 }
            let code = errno
            if code != EINTR { return code }
        }
    }

    /// Maps a driver buffer through libv4l2 (which substitutes a buffer of converted pictures when it converts).
    func map(length: Int, offset: Int64) throws(DeviceError) -> UnsafeMutableRawBufferPointer {
        let address = v4l2_mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset)
        guard let address, address != MAP_FAILED, length > 0 else {
            throw Self.systemError(path: path, operation: "v4l2_mmap", code: errno)
        }
        return UnsafeMutableRawBufferPointer(start: address, count: length)
    }

    /// Unmaps a buffer `map` returned.
    func unmap(_ buffer: UnsafeMutableRawBufferPointer) {
        _ = v4l2_munmap(buffer.baseAddress, buffer.count)
    }

    /// poll(2) on the descriptor for input: the driver signals a filled buffer as readable.
    func poll(milliseconds: Int32) -> V4L2PollResult {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = Glibc.poll(&descriptor, 1, milliseconds)
        if ready < 0 {
            let code = errno
            return code == EINTR ? .interrupted : .failed(code)
        }
        if ready == 0 { return .timedOut }
        if descriptor.revents & Int16(POLLIN) == 0 { return .failed(ENODEV) }
        return .ready
    }

    /// Closes the descriptor (through libv4l2 when it wraps it). Safe to call twice.
    func close() {
        guard !closed else { return }
        closed = true
        if wrapped { _ = v4l2_close(fd) } else { _ = Glibc.close(fd) }
    }

    deinit { close() }

    /// The typed error for a failed open(2).
    static func openError(path: String, code: Int32) -> DeviceError {
        switch code {
        case ENOENT, ENODEV, ENXIO: return .notFound(path: path)
        case EACCES, EPERM: return .permissionDenied(path: path)
        case EBUSY: return .busy(path: path)
        default: return systemError(path: path, operation: "open", code: code)
        }
    }

    /// `DeviceError.system` with the C library's message for `code`.
    static func systemError(path: String, operation: String, code: Int32) -> DeviceError {
        .system(path: path, operation: operation, code: code, message: String(cString: strerror(code)))
    }

    /// A NUL-terminated fixed-size C char array (a tuple in Swift) as a string; stops at the array's end if the
    /// driver filled it completely.
    static func string<T>(_ tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { bytes in
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }
}
