import Testing
import Wire
@testable import Media

/// Pixel layout conversions on small synthetic pictures whose every byte is known.
@Suite struct I420ConverterTests {
    /// A 4x2 YU12 picture with rows padded to 6 bytes (chroma rows to 3): padding bytes are 0xEE and must not leak.
    @Test func planarWithPaddingKeepsOnlyThePicture() throws {
        let bytes: [UInt8] = [
            1, 2, 3, 4, 0xEE, 0xEE,
            5, 6, 7, 8, 0xEE, 0xEE,
            10, 11, 0xEE,  // U: one row of two samples
            20, 21, 0xEE,  // V
        ]
        let frame = try I420Converter.frame(from: bytes, format: .yuv420, width: 4, height: 2, bytesPerLine: 6,
            captureTime: .milliseconds(7))
        #expect(frame.y == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(frame.u == [10, 11])
        #expect(frame.v == [20, 21])
        #expect(frame.strideY == 4 && frame.strideU == 2)
        #expect(frame.captureTime == .milliseconds(7))
        #expect(frame.packedI420 == [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 20, 21])
    }

    @Test func yv12SwapsTheChromaPlanes() throws {
        let bytes: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 30, 31, 40, 41]
        let frame = try I420Converter.frame(from: bytes, format: .yvu420, width: 4, height: 2, bytesPerLine: 0)
        #expect(frame.u == [40, 41])
        #expect(frame.v == [30, 31])
    }

    @Test func nv12DeinterleavesChroma() throws {
        // 4x4 luma, then two rows of Cb Cr Cb Cr, rows padded to 5 bytes.
        var bytes: [UInt8] = []
        for row in 0..<4 { bytes += (0..<4).map { UInt8(row * 4 + $0) } + [0xEE] }
        bytes += [100, 200, 101, 201, 0xEE]
        bytes += [102, 202, 103, 203]  // the last row may stop at the picture's edge
        let frame = try I420Converter.frame(from: bytes, format: .nv12, width: 4, height: 4, bytesPerLine: 5)
        #expect(frame.y == (0..<16).map { UInt8($0) })
        #expect(frame.u == [100, 101, 102, 103])
        #expect(frame.v == [200, 201, 202, 203])
    }

    @Test func yuyvAveragesChromaOverRowPairs() throws {
        // 4x3: rows of Y0 Cb Y1 Cr Y2 Cb Y3 Cr. Chroma row 0 averages rows 0 and 1 (rounding half up); chroma row 1
        // is row 2 alone (odd height).
        let bytes: [UInt8] = [
            1, 10, 2, 20, 3, 30, 4, 40,
            5, 11, 6, 21, 7, 31, 8, 41,
            9, 50, 10, 60, 11, 70, 12, 80,
        ]
        let frame = try I420Converter.frame(from: bytes, format: .yuyv, width: 4, height: 3, bytesPerLine: 0)
        #expect(frame.y == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(frame.u == [11, 31, 50, 70])
        #expect(frame.v == [21, 41, 60, 80])
    }

    @Test func oddWidthsRoundChromaUp() throws {
        // 3x1 YUYV still carries two macropixels (8 bytes); the last Y is dropped.
        let frame = try I420Converter.frame(from: [1, 9, 2, 8, 3, 7, 4, 6], format: .yuyv, width: 3, height: 1,
            bytesPerLine: 0)
        #expect(frame.y == [1, 2, 3])
        #expect(frame.u == [9, 7])
        #expect(frame.v == [8, 6])
    }

    @Test func shortOrNonsenseBuffersThrowInsteadOfTrapping() {
        #expect(throws: DeviceError.self) {
            try I420Converter.frame(from: [UInt8](repeating: 0, count: 11), format: .yuv420, width: 4, height: 2,
                bytesPerLine: 0)
        }
        #expect(throws: DeviceError.self) {
            try I420Converter.frame(from: [1, 2, 3], format: .yuv420, width: 4, height: 2, bytesPerLine: 2)
        }
        #expect(throws: DeviceError.self) {
            try I420Converter.frame(from: [], format: .yuyv, width: 0, height: 2, bytesPerLine: 0)
        }
        #expect(throws: DeviceError.self) {
            try I420Converter.frame(from: [UInt8](repeating: 0, count: 64), format: .mjpeg, width: 4, height: 2,
                bytesPerLine: 0)
        }
        // Every size up to 9x9, every layout, every buffer length up to the exact need: throws or succeeds, never
        // traps, and a success always has the asked size.
        for format in [V4L2PixelFormat.yuv420, .yvu420, .nv12, .yuyv] {
            for width in 1...9 {
                for height in 1...9 {
                    for length in stride(from: 0, through: 2 * width * height + 4, by: 3) {
                        let bytes = [UInt8](repeating: 0x80, count: length)
                        if let frame = try? I420Converter.frame(from: bytes, format: format, width: width,
                            height: height, bytesPerLine: 0)
                        {
                            #expect(frame.width == width && frame.height == height)
                        }
                    }
                }
            }
        }
    }

    @Test func pixelFormatCodesMatchTheKernelFourCCs() {
        #expect(V4L2PixelFormat("YU12") == .yuv420)
        #expect(V4L2PixelFormat("YV12") == .yvu420)
        #expect(V4L2PixelFormat("YUYV") == .yuyv)
        #expect(V4L2PixelFormat("NV12") == .nv12)
        #expect(V4L2PixelFormat("MJPG") == .mjpeg)
        #expect(V4L2PixelFormat.yuv420.rawValue == 0x3231_5559)
        #expect(V4L2PixelFormat.yuyv.description == "YUYV")
        #expect(V4L2PixelFormat(rawValue: 0x0000_0141).description == "A???")
        #expect(V4L2PixelFormat("YU1") == nil)
    }
}
