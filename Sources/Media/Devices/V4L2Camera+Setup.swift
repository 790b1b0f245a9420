internal import CShim
internal import CV4L2

#if canImport(Glibc)
import Glibc
#endif

/// Format and rate negotiation and buffer set-up for `V4L2Camera` (V4L2 API §1.10 "Data Formats", §1.11 "Streaming
/// Parameters", §3.2 "Streaming I/O (Memory Mapping)").
extension V4L2Camera {
    /// What VIDIOC_S_FMT granted.
    struct NegotiatedFormat {
        var width: Int
        var height: Int
        var pixelFormat: V4L2PixelFormat
        var bytesPerLine: Int
    }

    /// The size to ask for: the nearest offered for YU12 (native or emulated by libv4l), else for any layout the
    /// converter handles; the request itself when the driver enumerates no sizes (S_FMT then adjusts it).
    static func chooseSize(formats: [V4L2FormatInfo], target: V4L2Size) -> V4L2Size {
        let preferred = formats.first { $0.pixelFormat == .yuv420 }
            ?? formats.first { V4L2PixelFormat.convertible.contains($0.pixelFormat) }
        return preferred?.sizes?.nearest(to: target) ?? target
    }

    /// Asks for YU12 at the chosen size; accepts whatever YUV layout the converter handles in reply.
    static func setFormat(_ handle: any V4L2DeviceIO, info: V4L2DeviceInfo, target: V4L2Size) throws(DeviceError)
        -> NegotiatedFormat
    {
        let size = chooseSize(formats: info.formats, target: target)
        var format = v4l2_format()
        format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        format.fmt.pix.width = UInt32(clamping: size.width)
        format.fmt.pix.height = UInt32(clamping: size.height)
        format.fmt.pix.pixelformat = V4L2PixelFormat.yuv420.rawValue
        format.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        try handle.check(linkup_vidioc_s_fmt(), &format, "VIDIOC_S_FMT")
        let granted = V4L2PixelFormat(rawValue: format.fmt.pix.pixelformat)
        guard V4L2PixelFormat.accepted.contains(granted) else {
            let offered = info.formats.map(\.pixelFormat.description).joined(separator: ", ")
            throw .unsupportedFormat(path: info.path, offered: offered.isEmpty ? granted.description : offered)
        }
        let width = Int(format.fmt.pix.width), height = Int(format.fmt.pix.height)
        guard width > 0, height > 0 else {
            throw .invalidConfiguration("\(info.path) granted a picture size of \(width)x\(height)")
        }
        return NegotiatedFormat(width: width, height: height, pixelFormat: granted,
            bytesPerLine: Int(format.fmt.pix.bytesperline))
    }

    /// Sets the frame interval nearest `framesPerSecond` when the driver allows it (V4L2_CAP_TIMEPERFRAME) and returns
    /// the interval in force; nil when the driver does not implement VIDIOC_G_PARM.
    static func setInterval(_ handle: any V4L2DeviceIO, format: NegotiatedFormat, framesPerSecond: Int) throws(DeviceError)
        -> V4L2Fraction?
    {
        var parameters = v4l2_streamparm()
        parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        guard handle.ioctl(linkup_vidioc_g_parm(), &parameters) == 0 else { return nil }
        var current = parameters.parm.capture.timeperframe
        guard parameters.parm.capture.capability & captureTimePerFrame != 0 else {
            return current.numerator > 0 && current.denominator > 0
                ? V4L2Fraction(numerator: current.numerator, denominator: current.denominator) : nil
        }
        let size = V4L2Size(width: format.width, height: format.height)
        let offered = V4L2FormatEnumerator.intervals(of: handle, format: format.pixelFormat, size: size)
        let wanted = offered?.nearest(toFramesPerSecond: Double(framesPerSecond))
            ?? V4L2Fraction(framesPerSecond: framesPerSecond)
        parameters.parm.capture.timeperframe.numerator = wanted.numerator
        parameters.parm.capture.timeperframe.denominator = wanted.denominator
        try handle.check(linkup_vidioc_s_parm(), &parameters, "VIDIOC_S_PARM")
        current = parameters.parm.capture.timeperframe
        guard current.numerator > 0, current.denominator > 0 else { return wanted }
        return V4L2Fraction(numerator: current.numerator, denominator: current.denominator)
    }

    /// Asks the driver for `count` mmap buffers and maps each one.
    static func mapBuffers(_ handle: any V4L2DeviceIO, count: Int) throws(DeviceError) -> [UnsafeMutableRawBufferPointer] {
        var request = v4l2_requestbuffers()
        request.count = UInt32(count)
        request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        let code = handle.ioctl(linkup_vidioc_reqbufs(), &request)
        if code == EINVAL { throw .noStreaming(path: handle.path) }
        if code == EBUSY { throw .busy(path: handle.path) }
        if code != 0 { throw V4L2Handle.systemError(path: handle.path, operation: "VIDIOC_REQBUFS", code: code) }
        guard request.count >= 2 else {
            throw .invalidConfiguration("\(handle.path) granted \(request.count) buffer(s); streaming needs 2")
        }
        var mapped: [UnsafeMutableRawBufferPointer] = []
        do throws(DeviceError) {
            for index in 0..<request.count {
                var buffer = v4l2_buffer()
                buffer.index = index
                buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
                buffer.memory = V4L2_MEMORY_MMAP.rawValue
                try handle.check(linkup_vidioc_querybuf(), &buffer, "VIDIOC_QUERYBUF")
                mapped.append(try handle.map(length: Int(buffer.length), offset: Int64(buffer.m.offset)))
            }
        } catch {
            for buffer in mapped { handle.unmap(buffer) }
            throw error
        }
        return mapped
    }

    /// Gives buffer `index` to the driver to fill.
    static func queue(_ handle: any V4L2DeviceIO, index: Int) throws(DeviceError) {
        var buffer = v4l2_buffer()
        buffer.index = UInt32(index)
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        try handle.check(linkup_vidioc_qbuf(), &buffer, "VIDIOC_QBUF")
    }
}
