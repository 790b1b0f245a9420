import CShim
import CV4L2
import Glibc
@testable import Media

/// A V4L2 capture driver simulated in memory, answering the ioctls `V4L2Camera` makes as the V4L2 API specifies
/// (EINVAL past the end of an enumeration, sizes and intervals adjusted to what is offered, EAGAIN from DQBUF when
/// nothing is filled, buffers unmapped before they are freed), so the camera's negotiation and buffer cycle run
/// without a camera. Never waits: poll answers at once.
final class SimulatedV4L2Driver: V4L2DeviceIO {
    struct Format {
        var pixelFormat: V4L2PixelFormat
        var description: String
        var emulated = false
        var sizes: [V4L2Size]
        var intervals: [V4L2Fraction]
    }

    struct Buffer {
        var length: Int
        var queued = false
        var mapping: UnsafeMutableRawBufferPointer?
        var bytesUsed = 0
        var flags: UInt32 = 0
        var timestamp = timeval()
    }

    let path = "/dev/video-simulated"
    var formats: [Format]
    /// What VIDIOC_S_FMT answers with, whatever was asked (nil: the asked format when offered).
    var grantedFormat: V4L2PixelFormat?
    /// Extra bytes at the end of each luma row.
    var rowPadding = 0
    var maximumBuffers = 3
    var timePerFrameSupported = true
    /// Results poll gives before it looks at the buffers (to script interruptions and failures).
    var scriptedPolls: [V4L2PollResult] = []

    private(set) var log: [String] = []
    private(set) var buffers: [Buffer] = []
    private var filled: [Int] = []
    private(set) var streaming = false
    private(set) var closed = false
    private var size = V4L2Size(width: 0, height: 0)
    private var pixelFormat = V4L2PixelFormat.yuv420
    private var interval = V4L2Fraction(numerator: 1, denominator: 30)

    init(formats: [Format]) { self.formats = formats }

    static func webcam() -> SimulatedV4L2Driver {
        let sizes = [V4L2Size(width: 320, height: 240), V4L2Size(width: 640, height: 480),
                     V4L2Size(width: 1280, height: 720)]
        let intervals = [V4L2Fraction(numerator: 1, denominator: 30), V4L2Fraction(numerator: 1, denominator: 15)]
        return SimulatedV4L2Driver(formats: [
            Format(pixelFormat: .yuyv, description: "YUYV 4:2:2", sizes: sizes, intervals: intervals),
            Format(pixelFormat: .yuv420, description: "Planar YUV 4:2:0", emulated: true, sizes: sizes,
                intervals: intervals),
        ])
    }

    static let info = V4L2DeviceInfo(path: "/dev/video-simulated", name: "Simulated Camera", driver: "simulated",
        bus: "platform:simulated", version: "6.1.0",
        capabilities: V4L2DeviceInfo.capVideoCapture | V4L2DeviceInfo.capStreaming)

    var bytesPerLine: Int { size.width * (pixelFormat == .yuyv ? 2 : 1) + rowPadding }
    var imageSize: Int {
        // YU12's chroma rows are half a luma row (V4L2 API, "V4L2_PIX_FMT_YUV420").
        pixelFormat == .yuyv
            ? bytesPerLine * size.height
            : bytesPerLine * size.height + 2 * ((bytesPerLine + 1) / 2) * ((size.height + 1) / 2)
    }
    var queuedCount: Int { buffers.filter(\.queued).count }
    var mappedCount: Int { buffers.filter { $0.mapping != nil }.count }

    /// The camera "captures" a picture: the first queued, unfilled buffer gets `bytes`.
    @discardableResult
    func produce(_ bytes: [UInt8], seconds: Int = 0, microseconds: Int = 0, flags: UInt32 = 0) -> Bool {
        guard streaming,
            let index = buffers.indices.first(where: { buffers[$0].queued && !filled.contains($0) }),
            let mapping = buffers[index].mapping
        else { return false }
        let count = min(bytes.count, mapping.count)
        bytes.withUnsafeBytes { mapping.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        buffers[index].bytesUsed = count
        buffers[index].flags = flags
        buffers[index].timestamp = timeval(tv_sec: seconds, tv_usec: microseconds)
        filled.append(index)
        return true
    }

    func ioctl(_ request: UInt, _ argument: UnsafeMutableRawPointer) -> Int32 {
        guard !closed else { return EBADF }
        switch request {
        case linkup_vidioc_enum_fmt(): return enumFormat(argument.assumingMemoryBound(to: v4l2_fmtdesc.self))
        case linkup_vidioc_enum_framesizes():
            return enumSizes(argument.assumingMemoryBound(to: v4l2_frmsizeenum.self))
        case linkup_vidioc_enum_frameintervals():
            return enumIntervals(argument.assumingMemoryBound(to: v4l2_frmivalenum.self))
        case linkup_vidioc_s_fmt(): return setFormat(argument.assumingMemoryBound(to: v4l2_format.self))
        case linkup_vidioc_g_parm(), linkup_vidioc_s_parm():
            let set = request == linkup_vidioc_s_parm()
            return parameters(argument.assumingMemoryBound(to: v4l2_streamparm.self), set: set)
        case linkup_vidioc_reqbufs(): return requestBuffers(argument.assumingMemoryBound(to: v4l2_requestbuffers.self))
        case linkup_vidioc_querybuf(), linkup_vidioc_qbuf(), linkup_vidioc_dqbuf():
            return bufferCall(request, argument.assumingMemoryBound(to: v4l2_buffer.self))
        case linkup_vidioc_streamon():
            guard !buffers.isEmpty else { return EINVAL }
            streaming = true
            log.append("STREAMON")
            return 0
        case linkup_vidioc_streamoff():
            // STREAMOFF returns every buffer to the application (V4L2 API, "ioctl VIDIOC_STREAMON").
            streaming = false
            filled = []
            for index in buffers.indices { buffers[index].queued = false }
            log.append("STREAMOFF")
            return 0
        default: return ENOTTY
        }
    }

    private func enumFormat(_ description: UnsafeMutablePointer<v4l2_fmtdesc>) -> Int32 {
        let index = Int(description.pointee.index)
        guard description.pointee.type == V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue, index < formats.count else {
            return EINVAL
        }
        description.pointee.pixelformat = formats[index].pixelFormat.rawValue
        description.pointee.flags = formats[index].emulated ? 0x0002 : 0
        withUnsafeMutableBytes(of: &description.pointee.description) { out in
            let text = Array(formats[index].description.utf8.prefix(out.count - 1)) + [0]
            out.copyBytes(from: text)
        }
        return 0
    }

    private func format(_ code: UInt32) -> Format? { formats.first { $0.pixelFormat.rawValue == code } }

    private func enumSizes(_ entry: UnsafeMutablePointer<v4l2_frmsizeenum>) -> Int32 {
        guard let format = format(entry.pointee.pixel_format), Int(entry.pointee.index) < format.sizes.count else {
            return EINVAL
        }
        let size = format.sizes[Int(entry.pointee.index)]
        entry.pointee.type = V4L2_FRMSIZE_TYPE_DISCRETE.rawValue
        entry.pointee.discrete = v4l2_frmsize_discrete(width: UInt32(size.width), height: UInt32(size.height))
        return 0
    }

    private func enumIntervals(_ entry: UnsafeMutablePointer<v4l2_frmivalenum>) -> Int32 {
        let size = V4L2Size(width: Int(entry.pointee.width), height: Int(entry.pointee.height))
        guard let format = format(entry.pointee.pixel_format), format.sizes.contains(size),
            Int(entry.pointee.index) < format.intervals.count
        else { return EINVAL }
        let interval = format.intervals[Int(entry.pointee.index)]
        entry.pointee.type = V4L2_FRMIVAL_TYPE_DISCRETE.rawValue
        entry.pointee.discrete = v4l2_fract(numerator: interval.numerator, denominator: interval.denominator)
        return 0
    }

    private func setFormat(_ format: UnsafeMutablePointer<v4l2_format>) -> Int32 {
        guard !streaming, buffers.isEmpty else { return EBUSY }
        let asked = format.pointee.fmt.pix.pixelformat
        let chosen = grantedFormat.map { code in formats.first { $0.pixelFormat == code }
            ?? Format(pixelFormat: code, description: "", sizes: formats[0].sizes, intervals: []) }
            ?? self.format(asked) ?? formats[0]
        // Drivers adjust the size to one they support rather than fail (V4L2 API, "ioctl VIDIOC_S_FMT").
        let wanted = V4L2Size(width: Int(format.pointee.fmt.pix.width), height: Int(format.pointee.fmt.pix.height))
        size = V4L2FrameSizes.discrete(chosen.sizes).nearest(to: wanted) ?? wanted
        pixelFormat = chosen.pixelFormat
        format.pointee.fmt.pix.pixelformat = pixelFormat.rawValue
        format.pointee.fmt.pix.width = UInt32(size.width)
        format.pointee.fmt.pix.height = UInt32(size.height)
        format.pointee.fmt.pix.bytesperline = UInt32(bytesPerLine)
        format.pointee.fmt.pix.sizeimage = UInt32(imageSize)
        log.append("S_FMT \(pixelFormat) \(size)")
        return 0
    }

    private func parameters(_ parameters: UnsafeMutablePointer<v4l2_streamparm>, set: Bool) -> Int32 {
        guard parameters.pointee.type == V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue else { return EINVAL }
        if set, timePerFrameSupported {
            let asked = parameters.pointee.parm.capture.timeperframe
            let offered = format(pixelFormat.rawValue)?.intervals ?? []
            interval = V4L2FrameIntervals.discrete(offered).nearest(
                toFramesPerSecond: Double(asked.denominator) / Double(max(1, asked.numerator))) ?? interval
            log.append("S_PARM \(interval)")
        }
        parameters.pointee.parm.capture.capability = timePerFrameSupported ? 0x1000 : 0
        parameters.pointee.parm.capture.timeperframe = v4l2_fract(
            numerator: interval.numerator, denominator: interval.denominator)
        return 0
    }

    private func requestBuffers(_ request: UnsafeMutablePointer<v4l2_requestbuffers>) -> Int32 {
        guard request.pointee.memory == V4L2_MEMORY_MMAP.rawValue, !streaming else { return EINVAL }
        if request.pointee.count == 0 {
            // Mapped buffers cannot be freed (V4L2 API, "ioctl VIDIOC_REQBUFS").
            guard mappedCount == 0 else { return EBUSY }
            buffers = []
            log.append("REQBUFS 0")
            return 0
        }
        let count = min(Int(request.pointee.count), maximumBuffers)
        buffers = Array(repeating: Buffer(length: imageSize), count: count)
        request.pointee.count = UInt32(count)
        log.append("REQBUFS \(count)")
        return 0
    }

    private func bufferCall(_ request: UInt, _ buffer: UnsafeMutablePointer<v4l2_buffer>) -> Int32 {
        guard buffer.pointee.type == V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue,
            buffer.pointee.memory == V4L2_MEMORY_MMAP.rawValue
        else { return EINVAL }
        if request == linkup_vidioc_dqbuf() {
            guard streaming else { return EINVAL }
            guard !filled.isEmpty else { return EAGAIN }
            let index = filled.removeFirst()
            buffers[index].queued = false
            buffer.pointee.index = UInt32(index)
            buffer.pointee.bytesused = UInt32(buffers[index].bytesUsed)
            buffer.pointee.flags = buffers[index].flags | 0x2000
            buffer.pointee.timestamp = buffers[index].timestamp
            return 0
        }
        let index = Int(buffer.pointee.index)
        guard buffers.indices.contains(index) else { return EINVAL }
        if request == linkup_vidioc_qbuf() {
            guard !buffers[index].queued else { return EINVAL }
            buffers[index].queued = true
            return 0
        }
        buffer.pointee.length = UInt32(buffers[index].length)
        buffer.pointee.m.offset = UInt32(index) << 20
        return 0
    }

    func map(length: Int, offset: Int64) throws(DeviceError) -> UnsafeMutableRawBufferPointer {
        let index = Int(offset >> 20)
        guard buffers.indices.contains(index), buffers[index].mapping == nil, length == buffers[index].length else {
            throw V4L2Handle.systemError(path: path, operation: "v4l2_mmap", code: EINVAL)
        }
        let mapping = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 16)
        mapping.initializeMemory(as: UInt8.self, repeating: 0)
        buffers[index].mapping = mapping
        return mapping
    }

    func unmap(_ mapping: UnsafeMutableRawBufferPointer) {
        guard let index = buffers.indices.first(where: { buffers[$0].mapping?.baseAddress == mapping.baseAddress })
        else { return }
        mapping.deallocate()
        buffers[index].mapping = nil
        log.append("unmap \(index)")
    }

    func poll(milliseconds: Int32) -> V4L2PollResult {
        if !scriptedPolls.isEmpty { return scriptedPolls.removeFirst() }
        return filled.isEmpty ? .timedOut : .ready
    }

    func close() {
        closed = true
        log.append("close")
    }
}
