import FuzzSupport
import Media

// Converts arbitrary bytes as a captured V4L2 buffer: the first four bytes choose the pixel format, width, height and
// row padding, the rest is the picture. A conversion either throws or returns a frame of exactly the asked size
// whose planes hold what VideoFrame promises.
let formats: [V4L2PixelFormat] = [.yuv420, .yvu420, .nv12, .yuyv, .mjpeg]
runFuzzer { bytes in
    guard bytes.count >= 4 else { return }
    let format = formats[Int(bytes[0]) % formats.count]
    let width = Int(bytes[1] % 64) + 1
    let height = Int(bytes[2] % 64) + 1
    let padding = Int(bytes[3] % 8)
    let bytesPerLine = padding == 0 ? 0 : width * (format == .yuyv ? 2 : 1) + padding
    guard let frame = try? I420Converter.frame(from: Array(bytes.dropFirst(4)), format: format, width: width,
        height: height, bytesPerLine: bytesPerLine)
    else { return }
    guard frame.width == width, frame.height == height else { fatalError("converted frame has the wrong size") }
    guard frame.y.count == width * height, frame.u.count == frame.chromaWidth * frame.chromaHeight,
        frame.v.count == frame.u.count
    else { fatalError("converted planes have the wrong lengths") }
}
