import Wire

/// A synthetic camera: moving colour bars over a moving luma ramp, with the frame number and capture time written
/// into the top block rows as a code (`TestPatternCode`) that `TestPatternReader` can read back from a decoded
/// picture, so a receiver can match frames and measure glass-to-glass latency.
public struct TestPatternSource: Sendable {
    /// Picture width in pixels.
    public let width: Int
    /// Picture height in pixels.
    public let height: Int
    /// Whether each picture carries a patch of fresh noise (a quarter of the width and height, right of centre):
    /// the plain pattern compresses to about 0.6 Mbit/s at 640x480, too little to load a congested link.
    public let noise: Bool
    // BT.601 limited-range Y, Cb, Cr of the eight classic bars: white, yellow, cyan, green, magenta, red, blue, black.
    private static let bars: [(UInt8, UInt8, UInt8)] = [
        (235, 128, 128), (210, 16, 146), (170, 166, 16), (145, 54, 34),
        (106, 202, 222), (81, 90, 240), (41, 240, 110), (16, 128, 128),
    ]
    /// Pixels the bars move right per frame.
    private static let barSpeed = 4
    /// Pixels the ramp moves left per frame.
    private static let rampSpeed = 2

    /// A source for `width` x `height` pictures; the width must be even and at least 128 (room for the code's
    /// 8-bit marker), the height at least the code's rows plus 16.
    public init(width: Int, height: Int, noise: Bool = false) {
        precondition(width >= 128 && width % 2 == 0 && height % 2 == 0, "test pattern needs an even size >= 128 wide")
        let codeRows = TestPatternCode.rows(width: width) ?? 0
        precondition(height >= codeRows * TestPatternCode.blockSize + 16, "test pattern too short for its code")
        self.width = width
        self.height = height
        self.noise = noise
    }

    /// Rows at the top taken by the code.
    var codeHeight: Int { (TestPatternCode.rows(width: width) ?? 0) * TestPatternCode.blockSize }

    /// Picture number `number`, stamped with `captureTime` both in the frame value and in the picture.
    public func frame(number: UInt32, captureTime: Instant) -> VideoFrame {
        var frame = VideoFrame(width: width, height: height, luma: TestPatternCode.black, captureTime: captureTime)
        drawBarsAndRamp(into: &frame, number: Int(number % 1_000_000))
        if noise { drawNoise(into: &frame, number: number) }
        drawCode(into: &frame, number: number, captureTime: captureTime)
        return frame
    }

    private func drawBarsAndRamp(into frame: inout VideoFrame, number: Int) {
        let chromaWidth = frame.chromaWidth
        let top = codeHeight
        let rampTop = top + (height - top) * 3 / 4 & ~1
        // One luma line and one chroma line describe the whole bar area (the bars are vertical), so build them once
        // and copy them down: no per-pixel work per row.
        var barY = [UInt8](repeating: 0, count: width)
        var barU = [UInt8](repeating: 0, count: chromaWidth)
        var barV = [UInt8](repeating: 0, count: chromaWidth)
        let barWidth = max(1, width / 8)
        let shift = number * Self.barSpeed
        for x in 0..<width { barY[x] = Self.bars[((x + width - shift % width) % width / barWidth) % 8].0 }
        for cx in 0..<chromaWidth {
            let bar = Self.bars[((2 * cx + width - shift % width) % width / barWidth) % 8]
            barU[cx] = bar.1
            barV[cx] = bar.2
        }
        // The ramp is a triangle wave in x (no wrap-around edge), scrolled left, neutral chroma.
        var rampY = [UInt8](repeating: 0, count: width)
        let offset = number * Self.rampSpeed
        for x in 0..<width {
            let t = (x + offset) % 512
            let level = t < 256 ? t : 511 - t
            rampY[x] = UInt8(16 + level * 219 / 255)
        }
        for row in top..<height { Self.copy(row < rampTop ? barY : rampY, into: &frame.y, at: row * frame.strideY) }
        for row in top / 2..<rampTop / 2 {
            Self.copy(barU, into: &frame.u, at: row * frame.strideU)
            Self.copy(barV, into: &frame.v, at: row * frame.strideV)
        }
    }

    /// Luma noise that depends only on the frame number (xorshift seeded with it), so a receiver regenerates the
    /// same picture for PSNR.
    private func drawNoise(into frame: inout VideoFrame, number: UInt32) {
        let patchWidth = width / 4 & ~1, patchHeight = height / 4 & ~1
        let left = width * 5 / 8 & ~1, top = (height - patchHeight) / 2 & ~1
        var state = UInt64(number) &* 0x9E37_79B9_7F4A_7C15 | 1
        let rowStride = frame.strideY
        frame.y.withUnsafeMutableBufferPointer { plane in
            for row in top..<top + patchHeight {
                let start = row * rowStride + left
                for x in stride(from: 0, to: patchWidth, by: 8) {
                    state ^= state << 13
                    state ^= state >> 7
                    state ^= state << 17
                    var bits = state
                    for i in 0..<min(8, patchWidth - x) {
                        plane[start + x + i] = UInt8(16 + Int(bits & 0xFF) * 219 / 255)
                        bits >>= 8
                    }
                }
            }
        }
    }

    /// Copies `line` into `plane` starting at `offset` (a row start computed from the plane's own stride).
    private static func copy(_ line: [UInt8], into plane: inout [UInt8], at offset: Int) {
        plane.withUnsafeMutableBufferPointer { out in
            line.withUnsafeBufferPointer { source in
                // Both buffers are non-empty and the row lies inside the plane (rows < height, stride >= width).
                out.baseAddress!.advanced(by: offset).update(from: source.baseAddress!, count: source.count)
            }
        }
    }

    private func drawCode(into frame: inout VideoFrame, number: UInt32, captureTime: Instant) {
        let bytes = TestPatternCode.bytes(frameNumber: number, nanoseconds: captureTime.nanoseconds)
        let perRow = TestPatternCode.bitsPerRow(width: width)
        let block = TestPatternCode.blockSize
        let stride = frame.strideY
        frame.y.withUnsafeMutableBufferPointer { plane in
            for bit in 0..<TestPatternCode.bitCount {
                let isOne = bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0
                let value = isOne ? TestPatternCode.white : TestPatternCode.black
                let x0 = (bit % perRow) * block
                let y0 = (bit / perRow) * block
                for row in y0..<y0 + block {
                    plane.baseAddress!.advanced(by: row * stride + x0).update(repeating: value, count: block)
                }
            }
        }
        // Chroma under the code stays neutral (the frame starts grey-chroma and bars start below the code).
    }
}
