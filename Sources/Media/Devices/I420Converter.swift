internal import CYUV
import Wire

/// Turns one captured buffer in a V4L2 pixel format into a tightly packed I420 `VideoFrame`. libv4l already
/// converts most camera formats to YU12; these conversions cover drivers whose YU12 request comes back as another
/// YUV layout. Layouts follow the V4L2 API's pixel format pages: YU12/YV12 chroma rows are half of
/// `bytesperline`; NV12's interleaved Cb/Cr rows use the full `bytesperline`; YUYV is Y0 Cb Y1 Cr per pixel pair.
/// MJPEG (when libv4l hands it through undecoded) is decoded with libyuv's `MJPGToI420` (libjpeg-turbo inside).
/// Never traps: a buffer shorter than the layout needs is an `invalidFrame` error.
public enum I420Converter {
    /// Converts `bytes` (`bytesPerLine` bytes per luma row, 0 meaning "tightly packed") to an I420 frame.
    public static func frame(
        from bytes: UnsafeRawBufferPointer, format: V4L2PixelFormat, width: Int, height: Int, bytesPerLine: Int,
        captureTime: Instant
    ) throws(DeviceError) -> VideoFrame {
        guard width > 0, height > 0, width <= 16_384, height <= 16_384 else {
            throw .invalidFrame("picture size \(width)x\(height) is out of range")
        }
        switch format {
        case .yuv420, .yvu420:
            return try planar(bytes, width: width, height: height, bytesPerLine: bytesPerLine,
                swapChroma: format == .yvu420, captureTime: captureTime)
        case .nv12:
            return try nv12(bytes, width: width, height: height, bytesPerLine: bytesPerLine, captureTime: captureTime)
        case .yuyv:
            return try yuyv(bytes, width: width, height: height, bytesPerLine: bytesPerLine, captureTime: captureTime)
        case .mjpeg:
            return try mjpeg(bytes, width: width, height: height, captureTime: captureTime)
        default:
            throw .invalidFrame("pixel format \(format) cannot be converted to I420")
        }
    }

    /// The same conversion over an array (tests and fuzzing).
    public static func frame(
        from bytes: [UInt8], format: V4L2PixelFormat, width: Int, height: Int, bytesPerLine: Int,
        captureTime: Instant = .zero
    ) throws(DeviceError) -> VideoFrame {
        let result: Result<VideoFrame, DeviceError> = bytes.withUnsafeBytes { buffer in
            do throws(DeviceError) {
                return .success(try frame(from: buffer, format: format, width: width, height: height,
                    bytesPerLine: bytesPerLine, captureTime: captureTime))
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// One JPEG picture (any chroma subsampling libjpeg reads: webcams send 4:2:2 or 4:2:0) at the negotiated size.
    private static func mjpeg(_ bytes: UnsafeRawBufferPointer, width: Int, height: Int, captureTime: Instant)
        throws(DeviceError) -> VideoFrame
    {
        guard width % 2 == 0, height % 2 == 0 else {
            throw .invalidFrame("an MJPEG picture of \(width)x\(height) has an odd size")
        }
        guard let base = bytes.baseAddress, bytes.count >= 4 else { throw .invalidFrame("an empty MJPEG buffer") }
        let jpeg = base.assumingMemoryBound(to: UInt8.self)
        var jpegWidth: Int32 = 0, jpegHeight: Int32 = 0
        guard MJPGSize(jpeg, bytes.count, &jpegWidth, &jpegHeight) == 0, Int(jpegWidth) == width,
              Int(jpegHeight) == height else {
            throw .invalidFrame("the MJPEG picture is damaged or not \(width)x\(height)")
        }
        var frame = VideoFrame(width: width, height: height, captureTime: captureTime)
        let chromaWidth = frame.chromaWidth
        let result = frame.y.withUnsafeMutableBufferPointer { y in
            frame.u.withUnsafeMutableBufferPointer { u in
                frame.v.withUnsafeMutableBufferPointer { v in
                    MJPGToI420(jpeg, bytes.count, y.baseAddress, Int32(width), u.baseAddress, Int32(chromaWidth),
                               v.baseAddress, Int32(chromaWidth), Int32(width), Int32(height), Int32(width),
                               Int32(height))
                }
            }
        }
        guard result == 0 else { throw .invalidFrame("the MJPEG picture could not be decoded") }
        return frame
    }

    private static func requireLength(_ bytes: UnsafeRawBufferPointer, _ needed: Int, _ what: String)
        throws(DeviceError)
    {
        guard bytes.count >= needed else {
            throw .invalidFrame("\(what) buffer holds \(bytes.count) bytes, the picture needs \(needed)")
        }
    }

    private static func planar(
        _ bytes: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerLine: Int, swapChroma: Bool,
        captureTime: Instant
    ) throws(DeviceError) -> VideoFrame {
        let strideY = bytesPerLine == 0 ? width : bytesPerLine
        guard strideY >= width else { throw .invalidFrame("bytes per line \(strideY) < width \(width)") }
        var frame = VideoFrame(width: width, height: height, captureTime: captureTime)
        let chromaWidth = frame.chromaWidth, chromaHeight = frame.chromaHeight
        let strideC = max(chromaWidth, (strideY + 1) / 2)
        let lumaSize = strideY * height, chromaSize = strideC * chromaHeight
        try requireLength(bytes, lumaSize + 2 * chromaSize, "YUV 4:2:0 planar")
        copyRows(bytes, from: 0, stride: strideY, width: width, rows: height, into: &frame.y)
        let first = lumaSize, second = lumaSize + chromaSize
        copyRows(bytes, from: swapChroma ? second : first, stride: strideC, width: chromaWidth, rows: chromaHeight,
            into: &frame.u)
        copyRows(bytes, from: swapChroma ? first : second, stride: strideC, width: chromaWidth, rows: chromaHeight,
            into: &frame.v)
        return frame
    }

    private static func nv12(
        _ bytes: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerLine: Int, captureTime: Instant
    ) throws(DeviceError) -> VideoFrame {
        var frame = VideoFrame(width: width, height: height, captureTime: captureTime)
        let chromaWidth = frame.chromaWidth, chromaHeight = frame.chromaHeight
        let stride = bytesPerLine == 0 ? 2 * chromaWidth : bytesPerLine
        guard stride >= 2 * chromaWidth else { throw .invalidFrame("bytes per line \(stride) < width \(width)") }
        let lumaSize = stride * height
        try requireLength(bytes, lumaSize + stride * (chromaHeight - 1) + 2 * chromaWidth, "NV12")
        copyRows(bytes, from: 0, stride: stride, width: width, rows: height, into: &frame.y)
        frame.u.withUnsafeMutableBufferPointer { u in
            frame.v.withUnsafeMutableBufferPointer { v in
                for row in 0..<chromaHeight {
                    let line = lumaSize + row * stride
                    for column in 0..<chromaWidth {
                        u[row * chromaWidth + column] = bytes[line + 2 * column]
                        v[row * chromaWidth + column] = bytes[line + 2 * column + 1]
                    }
                }
            }
        }
        return frame
    }

    private static func yuyv(
        _ bytes: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerLine: Int, captureTime: Instant
    ) throws(DeviceError) -> VideoFrame {
        var frame = VideoFrame(width: width, height: height, captureTime: captureTime)
        let chromaWidth = frame.chromaWidth, chromaHeight = frame.chromaHeight
        let stride = bytesPerLine == 0 ? 4 * chromaWidth : bytesPerLine
        guard stride >= 4 * chromaWidth else { throw .invalidFrame("bytes per line \(stride) < 2 x width \(width)") }
        try requireLength(bytes, stride * (height - 1) + 4 * chromaWidth, "YUYV")
        frame.y.withUnsafeMutableBufferPointer { y in
            for row in 0..<height {
                let line = row * stride
                for column in 0..<width { y[row * width + column] = bytes[line + 2 * column] }
            }
        }
        // 4:2:2 to 4:2:0: each output chroma sample averages the two rows it covers (the last row alone when the
        // height is odd), rounding half up.
        frame.u.withUnsafeMutableBufferPointer { u in
            frame.v.withUnsafeMutableBufferPointer { v in
                for row in 0..<chromaHeight {
                    let top = 2 * row * stride
                    let bottom = min(2 * row + 1, height - 1) * stride
                    for column in 0..<chromaWidth {
                        let cb = Int(bytes[top + 4 * column + 1]) + Int(bytes[bottom + 4 * column + 1])
                        let cr = Int(bytes[top + 4 * column + 3]) + Int(bytes[bottom + 4 * column + 3])
                        u[row * chromaWidth + column] = UInt8((cb + 1) / 2)
                        v[row * chromaWidth + column] = UInt8((cr + 1) / 2)
                    }
                }
            }
        }
        return frame
    }

    /// Copies `rows` rows of `width` bytes, `stride` apart from `offset` in `bytes`, into a tightly packed plane.
    private static func copyRows(
        _ bytes: UnsafeRawBufferPointer, from offset: Int, stride: Int, width: Int, rows: Int, into plane: inout [UInt8]
    ) {
        plane.withUnsafeMutableBytes { out in
            for row in 0..<rows {
                let start = offset + row * stride
                let source = UnsafeRawBufferPointer(rebasing: bytes[start..<start + width])
                UnsafeMutableRawBufferPointer(rebasing: out[row * width..<(row + 1) * width]).copyMemory(from: source)
            }
        }
    }
}
