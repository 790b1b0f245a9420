import Foundation
import Testing
import Wire
@testable import Media

/// MJPEG as webcams send it, decoded to I420 (libyuv's MJPGToI420 over libjpeg-turbo): pictures ImageMagick wrote
/// with 4:2:0 and 4:2:2 chroma (black left half, white right half, a red square in the middle).
@Suite struct MJPEGConversionTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return [UInt8](try Data(contentsOf: root.appendingPathComponent("fixtures/media/\(name)")))
    }

    @Test(arguments: ["mjpeg-320x240-420.jpg", "mjpeg-320x240-422.jpg"])
    func decodesWebcamJPEG(name: String) throws {
        let jpeg = try Self.fixture(name)
        let frame = try I420Converter.frame(from: jpeg, format: .mjpeg, width: 320, height: 240, bytesPerLine: 0,
                                            captureTime: .milliseconds(5))
        #expect(frame.width == 320 && frame.height == 240 && frame.captureTime == .milliseconds(5))
        // JPEG is full range: black near 0, white near 255; red has a high Cr.
        #expect(frame.y[20 * 320 + 20] < 20)
        #expect(frame.y[20 * 320 + 300] > 235)
        let chroma = 60 * frame.strideV + 80  // the middle of the red square, in chroma samples
        #expect(frame.v[chroma] > 200, "Cr \(frame.v[chroma])")
        #expect(frame.u[chroma] < 128, "Cb \(frame.u[chroma])")
    }

    @Test func aDamagedOrMismatchedPictureIsAnErrorNotACrash() throws {
        let jpeg = try Self.fixture("mjpeg-320x240-420.jpg")
        #expect(throws: DeviceError.self) {
            try I420Converter.frame(from: Array(jpeg.prefix(40)), format: .mjpeg, width: 320, height: 240,
                                    bytesPerLine: 0)
        }
        #expect(throws: DeviceError.self) {
            try I420Converter.frame(from: jpeg, format: .mjpeg, width: 640, height: 480, bytesPerLine: 0)
        }
        #expect(throws: DeviceError.self) {
            try I420Converter.frame(from: [UInt8](repeating: 0xFF, count: 1000), format: .mjpeg, width: 320,
                                    height: 240, bytesPerLine: 0)
        }
    }
}
