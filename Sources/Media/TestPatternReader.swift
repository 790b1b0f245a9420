import Wire

/// Reads the frame number and capture time that `TestPatternSource` wrote into a picture, after any amount of
/// lossy coding that leaves 16x16 black and white blocks distinguishable.
public enum TestPatternReader {
    /// The embedded frame number and capture time, or nil when the picture has no readable code (marker or CRC
    /// mismatch, or a picture too small).
    public static func read(_ frame: VideoFrame) -> (frameNumber: UInt32, captureTime: Instant)? {
        guard let rows = TestPatternCode.rows(width: frame.width),
            rows * TestPatternCode.blockSize <= frame.height,
            frame.y.count >= frame.strideY * (frame.height - 1) + frame.width
        else { return nil }
        let perRow = TestPatternCode.bitsPerRow(width: frame.width)
        let block = TestPatternCode.blockSize
        // The threshold sits halfway between the two levels; only the inner 8x8 of each block is averaged, because
        // ringing and deblocking disturb block edges first.
        let threshold = (Int(TestPatternCode.black) + Int(TestPatternCode.white)) / 2
        var bytes = [UInt8](repeating: 0, count: TestPatternCode.bitCount / 8)
        let stride = frame.strideY
        frame.y.withUnsafeBufferPointer { plane in
            for bit in 0..<TestPatternCode.bitCount {
                let x0 = (bit % perRow) * block + block / 4
                let y0 = (bit / perRow) * block + block / 4
                var sum = 0
                for row in y0..<y0 + block / 2 {
                    let start = row * stride + x0
                    for index in start..<start + block / 2 { sum += Int(plane[index]) }
                }
                if sum / (block * block / 4) > threshold { bytes[bit / 8] |= 0x80 >> UInt8(bit % 8) }
            }
        }
        guard bytes[0] == TestPatternCode.marker else { return nil }
        let body = Array(bytes[1..<13])
        guard TestPatternCode.crc16(body) == UInt16(bytes[13]) << 8 | UInt16(bytes[14]) else { return nil }
        var number: UInt32 = 0
        for byte in body[0..<4] { number = number << 8 | UInt32(byte) }
        var time: UInt64 = 0
        for byte in body[4..<12] { time = time << 8 | UInt64(byte) }
        return (number, Instant(nanoseconds: Int64(bitPattern: time)))
    }
}
