internal import CXCB
internal import CYUV
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// Captures an X11 display's root window as I420 pictures: through the MIT-SHM extension (`xcb_shm_get_image` into
/// a shared memory segment, no copy through the socket) when the server offers it, else `xcb_get_image` (a copy
/// through the X connection, slower). The 32-bit BGRX pixels are converted with libyuv's `ARGBToI420` (BT.601
/// limited range, what VP8 expects). Odd sizes lose their last column or row (I420 needs even sizes).
///
/// Not thread-safe: one owner (a capture thread) calls it; pacing to a frame rate is the caller's.
public final class X11ScreenCapture: VideoCaptureSource {
    /// The display captured (":0", ":99", or what DISPLAY said).
    public let display: String
    /// The captured size (the screen's, rounded down to even).
    public let width: Int
    /// See `width`.
    public let height: Int
    /// Whether pictures come through shared memory (false: the XGetImage-style fallback).
    public var usesSharedMemory: Bool { shm != nil }
    /// Pictures delivered so far.
    public private(set) var framesCaptured = 0
    private var connection: OpaquePointer?
    private let root: xcb_window_t
    private let screenWidth: Int
    private let screenHeight: Int
    private var shm: (segment: xcb_shm_seg_t, id: Int32, address: UnsafeMutableRawPointer)?

    /// Connects to `display` (nil: the DISPLAY environment variable) and prepares shared memory for the root
    /// window's size; throws a sentence when the display cannot be opened or its pixels are not 32-bit.
    public init(display: String? = nil) throws(DeviceError) {
        let name = display ?? (getenv("DISPLAY").map { String(cString: $0) } ?? "")
        guard !name.isEmpty else { throw .invalidConfiguration("no X display to capture (DISPLAY is not set)") }
        self.display = name
        var screenNumber: Int32 = 0
        guard let connection = xcb_connect(name, &screenNumber), xcb_connection_has_error(connection) == 0 else {
            throw .invalidConfiguration("cannot open the X display \(name) for screen capture")
        }
        var iterator = xcb_setup_roots_iterator(xcb_get_setup(connection))
        for _ in 0..<max(0, Int(screenNumber)) where iterator.rem > 0 { xcb_screen_next(&iterator) }
        guard let screen = iterator.data?.pointee else {
            xcb_disconnect(connection)
            throw .invalidConfiguration("the X display \(name) has no screen \(screenNumber)")
        }
        guard screen.root_depth == 24 || screen.root_depth == 32 else {
            xcb_disconnect(connection)
            throw .unsupportedFormat(path: name, offered: "a \(screen.root_depth)-bit screen (24 or 32 needed)")
        }
        self.connection = connection
        root = screen.root
        screenWidth = Int(screen.width_in_pixels)
        screenHeight = Int(screen.height_in_pixels)
        width = screenWidth & ~1
        height = screenHeight & ~1
        guard width >= 2, height >= 2 else {
            xcb_disconnect(connection)
            throw .invalidConfiguration("the X display \(name) is \(screenWidth)x\(screenHeight): too small")
        }
        shm = Self.attachSharedMemory(connection, bytes: screenWidth * screenHeight * 4)
    }

    deinit { close() }

    /// A shared memory segment attached to the X server, or nil when MIT-SHM is missing or refuses (a remote
    /// display, another IPC namespace).
    private static func attachSharedMemory(_ connection: OpaquePointer, bytes: Int)
        -> (segment: xcb_shm_seg_t, id: Int32, address: UnsafeMutableRawPointer)?
    {
        guard let version = xcb_shm_query_version_reply(connection, xcb_shm_query_version(connection), nil) else {
            return nil
        }
        free(version)
        let id = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0o600)
        guard id >= 0 else { return nil }
        guard let address = shmat(id, nil, 0), address != UnsafeMutableRawPointer(bitPattern: -1) else {
            shmctl(id, IPC_RMID, nil)
            return nil
        }
        let segment = xcb_generate_id(connection)
        let failed = xcb_request_check(connection, xcb_shm_attach_checked(connection, segment, UInt32(id), 0))
        // Marked for removal now: it disappears once both this process and the server have detached.
        shmctl(id, IPC_RMID, nil)
        if let failed {
            free(failed)
            shmdt(address)
            return nil
        }
        return (segment, id, address)
    }

    /// The screen now. `timeout` is not used: a capture never waits for anything but the X server.
    public func nextFrame(timeout: Duration? = nil) throws(DeviceError) -> VideoFrame? {
        guard let connection else { throw .closed(path: display) }
        let captureTime = DeviceClock.now()
        let format = UInt8(XCB_IMAGE_FORMAT_Z_PIXMAP.rawValue)
        if let shm {
            let cookie = xcb_shm_get_image(connection, root, 0, 0, UInt16(screenWidth), UInt16(screenHeight),
                                           UInt32.max, format, shm.segment, 0)
            guard let reply = xcb_shm_get_image_reply(connection, cookie, nil) else {
                throw lostDisplay()
            }
            free(reply)
            framesCaptured += 1
            return convert(UnsafeRawPointer(shm.address), captureTime: captureTime)
        }
        let cookie = xcb_get_image(connection, format, root, 0, 0, UInt16(screenWidth), UInt16(screenHeight),
                                   UInt32.max)
        guard let reply = xcb_get_image_reply(connection, cookie, nil) else { throw lostDisplay() }
        defer { free(reply) }
        guard Int(xcb_get_image_data_length(reply)) >= screenWidth * screenHeight * 4,
              let data = xcb_get_image_data(reply) else {
            throw .invalidFrame("the X server sent a picture shorter than the screen")
        }
        framesCaptured += 1
        return convert(UnsafeRawPointer(data), captureTime: captureTime)
    }

    private func lostDisplay() -> DeviceError {
        .system(path: display, operation: "capture the screen", code: ENODEV,
                message: "the X display went away or refused the request")
    }

    private func convert(_ pixels: UnsafeRawPointer, captureTime: Instant) -> VideoFrame {
        var frame = VideoFrame(width: width, height: height, captureTime: captureTime)
        let chromaWidth = frame.chromaWidth
        frame.y.withUnsafeMutableBufferPointer { y in
            frame.u.withUnsafeMutableBufferPointer { u in
                frame.v.withUnsafeMutableBufferPointer { v in
                    _ = ARGBToI420(pixels.assumingMemoryBound(to: UInt8.self), Int32(screenWidth * 4),
                                   y.baseAddress, Int32(width), u.baseAddress, Int32(chromaWidth), v.baseAddress,
                                   Int32(chromaWidth), Int32(width), Int32(height))
                }
            }
        }
        return frame
    }

    /// Detaches the shared memory and disconnects. Safe to call twice.
    public func close() {
        guard let connection else { return }
        if let shm {
            xcb_shm_detach(connection, shm.segment)
            _ = xcb_flush(connection)
            shmdt(shm.address)
            self.shm = nil
        }
        xcb_disconnect(connection)
        self.connection = nil
    }
}
