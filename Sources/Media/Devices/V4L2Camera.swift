internal import CShim
internal import CV4L2
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// A V4L2 camera streaming I420 pictures through libv4l2 and memory-mapped buffers.
///
/// Opening negotiates YU12 (I420) at the size and rate closest to the request (libv4l converts YUYV, MJPEG and
/// the like on the way), maps the driver's buffers, queues them and starts streaming (V4L2 API §3.2
/// "Streaming I/O (Memory Mapping)"). `nextFrame(timeout:)` waits with poll(2), dequeues one buffer, copies it into
/// a `VideoFrame` and gives the buffer back. Not thread-safe: one owner (a capture thread) calls it; the camera is
/// not `Sendable`, so create it on the thread that reads from it.
public final class V4L2Camera: VideoCaptureSource {
    /// The device and the formats it offered when opened.
    public let info: V4L2DeviceInfo
    /// The negotiated picture size.
    public let width: Int
    /// The negotiated picture size.
    public let height: Int
    /// The layout the buffers arrive in (YU12 unless the driver and libv4l could only offer another YUV layout).
    public let pixelFormat: V4L2PixelFormat
    /// Bytes per luma row in the buffers.
    public let bytesPerLine: Int
    /// The negotiated frame interval; nil when the driver does not let applications set or read it.
    public let frameInterval: V4L2Fraction?
    /// Pictures delivered so far.
    public private(set) var framesCaptured = 0
    /// Buffers the driver marked as damaged (V4L2_BUF_FLAG_ERROR) and that were skipped.
    public private(set) var corruptBuffersSkipped = 0

    private var device: (any V4L2DeviceIO)?
    private var buffers: [UnsafeMutableRawBufferPointer] = []
    private var streaming = false

    /// V4L2_BUF_FLAG_ERROR, V4L2_BUF_FLAG_TIMESTAMP_MASK and V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC (linux/videodev2.h).
    static let bufferFlagError: UInt32 = 0x0040
    static let bufferFlagTimestampMask: UInt32 = 0xE000
    static let bufferFlagTimestampMonotonic: UInt32 = 0x2000
    /// V4L2_CAP_TIMEPERFRAME in `v4l2_captureparm.capability`.
    static let captureTimePerFrame: UInt32 = 0x1000

    /// Opens `path` and starts streaming YU12 at the offered size nearest `width` x `height` and the offered rate
    /// nearest `framesPerSecond`, with `bufferCount` mmap buffers (the driver may grant more or fewer, at least 2).
    public convenience init(
        path: String = "/dev/video0", width: Int = 640, height: Int = 480, framesPerSecond: Int = 30,
        bufferCount: Int = 4
    ) throws(DeviceError) {
        try Self.validate(width: width, height: height, framesPerSecond: framesPerSecond, bufferCount: bufferCount)
        let handle = try V4L2Handle(path: path)
        let info = handle.info
        do throws(DeviceError) {
            try Self.requireStreamingCapture(info)
            try handle.wrapWithLibv4l()
        } catch {
            handle.close()
            throw error
        }
        try self.init(device: handle, info: info, width: width, height: height, framesPerSecond: framesPerSecond,
            bufferCount: bufferCount)
    }

    /// Negotiates and starts streaming on an open `device` whose capabilities are `info`; closes the device if
    /// anything fails.
    init(
        device: any V4L2DeviceIO, info: V4L2DeviceInfo, width: Int, height: Int, framesPerSecond: Int,
        bufferCount: Int
    ) throws(DeviceError) {
        var mapped: [UnsafeMutableRawBufferPointer] = []
        do throws(DeviceError) {
            try Self.validate(width: width, height: height, framesPerSecond: framesPerSecond,
                bufferCount: bufferCount)
            try Self.requireStreamingCapture(info)
            var info = info
            info.formats = V4L2FormatEnumerator.formats(of: device)
            let format = try Self.setFormat(device, info: info, target: V4L2Size(width: width, height: height))
            let interval = try Self.setInterval(device, format: format, framesPerSecond: framesPerSecond)
            mapped = try Self.mapBuffers(device, count: bufferCount)
            for index in mapped.indices { try Self.queue(device, index: index) }
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            try device.check(linkup_vidioc_streamon(), &type, "VIDIOC_STREAMON")
            self.info = info
            self.width = format.width
            self.height = format.height
            self.pixelFormat = format.pixelFormat
            self.bytesPerLine = format.bytesPerLine
            self.frameInterval = interval
        } catch {
            for buffer in mapped { device.unmap(buffer) }
            if !mapped.isEmpty { Self.releaseBuffers(device) }
            device.close()
            throw error
        }
        self.device = device
        self.buffers = mapped
        self.streaming = true
    }

    deinit { close() }

    private static func validate(width: Int, height: Int, framesPerSecond: Int, bufferCount: Int)
        throws(DeviceError)
    {
        guard (1...16_384).contains(width), (1...16_384).contains(height), (1...1000).contains(framesPerSecond),
            (2...32).contains(bufferCount)
        else {
            throw .invalidConfiguration("camera request \(width)x\(height)@\(framesPerSecond) with \(bufferCount) "
                + "buffers is out of range")
        }
    }

    /// The node must capture single-planar video and stream it.
    private static func requireStreamingCapture(_ info: V4L2DeviceInfo) throws(DeviceError) {
        guard info.isVideoCapture else { throw .notACaptureDevice(path: info.path) }
        guard info.canStream else { throw .noStreaming(path: info.path) }
    }

    /// The negotiated rate in frames per second, if the driver reports one.
    public var framesPerSecond: Double? { frameInterval.map(\.framesPerSecond) }

    /// The next picture, waiting at most `timeout` (nil: indefinitely); nil when none arrived in time.
    public func nextFrame(timeout: Duration?) throws(DeviceError) -> VideoFrame? {
        guard let device, streaming else { throw .closed(path: info.path) }
        let deadline = timeout.map { DeviceClock.now() + $0 }
        while true {
            var waitMilliseconds: Int32 = -1
            if let deadline {
                let left = deadline.duration(since: DeviceClock.now())
                let milliseconds = (left.wholeNanoseconds + 999_999) / 1_000_000
                waitMilliseconds = Int32(clamping: max(0, milliseconds))
            }
            switch device.poll(milliseconds: waitMilliseconds) {
            case .ready:
                if let frame = try dequeue(device) { return frame }
            case .timedOut:
                return nil
            case .interrupted:
                break
            case let .failed(code):
                throw V4L2Handle.systemError(path: info.path, operation: "poll", code: code)
            }
            if let deadline, DeviceClock.now() >= deadline { return nil }
        }
    }

    /// Dequeues one filled buffer, copies it out and queues it again; nil when none was ready after all (EAGAIN)
    /// or the driver flagged it as damaged.
    private func dequeue(_ device: any V4L2DeviceIO) throws(DeviceError) -> VideoFrame? {
        var buffer = v4l2_buffer()
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        let code = device.ioctl(linkup_vidioc_dqbuf(), &buffer)
        if code == EAGAIN { return nil }
        if code != 0 { throw V4L2Handle.systemError(path: info.path, operation: "VIDIOC_DQBUF", code: code) }
        let index = Int(buffer.index)
        guard buffers.indices.contains(index) else {
            throw .invalidFrame("the driver returned buffer \(index) of \(buffers.count)")
        }
        defer { try? Self.queue(device, index: index) }
        if buffer.flags & Self.bufferFlagError != 0 {
            corruptBuffersSkipped += 1
            return nil
        }
        let used = buffer.bytesused == 0 ? buffers[index].count : min(Int(buffer.bytesused), buffers[index].count)
        let frame = try I420Converter.frame(
            from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffers[index])[0..<used]),
            format: pixelFormat, width: width, height: height, bytesPerLine: bytesPerLine,
            captureTime: Self.captureTime(of: buffer))
        framesCaptured += 1
        return frame
    }

    /// Stops streaming, unmaps the buffers, frees them in the driver and closes the device. Safe to call twice.
    public func close() {
        guard let device else { return }
        if streaming {
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            _ = device.ioctl(linkup_vidioc_streamoff(), &type)
            streaming = false
        }
        // Buffers must be unmapped before VIDIOC_REQBUFS with count 0 can free them (V4L2 API, "ioctl
        // VIDIOC_REQBUFS").
        for buffer in buffers { device.unmap(buffer) }
        buffers = []
        Self.releaseBuffers(device)
        device.close()
        self.device = nil
    }

    /// VIDIOC_REQBUFS with count 0: the driver frees its buffers.
    private static func releaseBuffers(_ device: any V4L2DeviceIO) {
        var release = v4l2_requestbuffers()
        release.count = 0
        release.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        release.memory = V4L2_MEMORY_MMAP.rawValue
        _ = device.ioctl(linkup_vidioc_reqbufs(), &release)
    }

    /// The buffer's own timestamp when the driver takes it from CLOCK_MONOTONIC (the clock `RuntimeClock` reads),
    /// otherwise the time it was dequeued.
    static func captureTime(of buffer: v4l2_buffer) -> Instant {
        let stamp = buffer.timestamp
        let monotonic = buffer.flags & bufferFlagTimestampMask == bufferFlagTimestampMonotonic
        if monotonic, stamp.tv_sec > 0 || stamp.tv_usec > 0 {
            return Instant(nanoseconds: Int64(stamp.tv_sec) * 1_000_000_000 + Int64(stamp.tv_usec) * 1_000)
        }
        return DeviceClock.now()
    }
}
