/// The layout of the machine-readable code `TestPatternSource` draws into the top rows of every picture and
/// `TestPatternReader` reads back: 120 bits, one per 16x16 luma block (a VP8 macroblock, so each block is flat in
/// every macroblock and survives coarse quantisation), left to right then top to bottom, black (Y=16) for 0 and
/// white (Y=235) for 1, chroma neutral.
///
/// ```
///  bit 0        8                    40                                   104            120
///  +-----------+---------------------+------------------------------------+--------------+
///  | marker    | frame number (BE)   | capture time, ns (BE, two's compl.) | CRC-16/CCITT |
///  | 10110100  | 32 bits             | 64 bits                             | of bits 8-103 |
///  +-----------+---------------------+------------------------------------+--------------+
/// ```
enum TestPatternCode {
    /// Side of one bit's block in luma pixels.
    static let blockSize = 16
    /// The start marker: an irregular pattern unlikely to appear by chance in the bars below.
    static let marker: UInt8 = 0b1011_0100
    /// Total bits drawn.
    static let bitCount = 120
    /// Luma for a 0 bit and for a 1 bit.
    static let black: UInt8 = 16
    static let white: UInt8 = 235

    /// Bits per block row for a picture `width` pixels wide.
    static func bitsPerRow(width: Int) -> Int { width / blockSize }

    /// Block rows the code occupies for `width`, or nil if the picture is too narrow for a useful code.
    static func rows(width: Int) -> Int? {
        let perRow = bitsPerRow(width: width)
        guard perRow >= 8 else { return nil }
        return (bitCount + perRow - 1) / perRow
    }

    /// The 15 payload bytes: marker, frame number, timestamp, CRC.
    static func bytes(frameNumber: UInt32, nanoseconds: Int64) -> [UInt8] {
        var body = [UInt8]()
        body.reserveCapacity(15)
        for shift in stride(from: 24, through: 0, by: -8) {
            body.append(UInt8(truncatingIfNeeded: frameNumber >> shift))
        }
        let time = UInt64(bitPattern: nanoseconds)
        for shift in stride(from: 56, through: 0, by: -8) { body.append(UInt8(truncatingIfNeeded: time >> shift)) }
        let crc = crc16(body)
        return [marker] + body + [UInt8(crc >> 8), UInt8(crc & 0xFF)]
    }

    /// CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF): catches any misread block, not just odd counts.
    static func crc16(_ bytes: [UInt8]) -> UInt16 {
        var crc: UInt16 = 0xFFFF
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return crc
    }
}
