import Glibc
import Testing
import Wire
@testable import Media

/// `V4L2Camera` against `SimulatedV4L2Driver`: negotiation, the mmap buffer cycle, conversion, damaged buffers,
/// failures and the order of teardown.
@Suite struct V4L2CameraSimulationTests {
    func open(_ driver: SimulatedV4L2Driver, width: Int = 640, height: Int = 480, fps: Int = 30,
              info: V4L2DeviceInfo = SimulatedV4L2Driver.info) throws(DeviceError) -> V4L2Camera {
        try V4L2Camera(device: driver, info: info, width: width, height: height, framesPerSecond: fps,
            bufferCount: 4)
    }

    /// A tightly packed I420 picture whose luma is `luma` and chroma 100/200.
    func i420(width: Int, height: Int, luma: UInt8) -> [UInt8] {
        [UInt8](repeating: luma, count: width * height)
            + [UInt8](repeating: 100, count: (width / 2) * (height / 2))
            + [UInt8](repeating: 200, count: (width / 2) * (height / 2))
    }

    @Test func negotiatesTheNearestOfferedSizeAndRate() throws {
        let driver = SimulatedV4L2Driver.webcam()
        let camera = try open(driver, width: 600, height: 400, fps: 20)
        defer { camera.close() }
        #expect(camera.width == 640 && camera.height == 480)
        #expect(camera.pixelFormat == .yuv420)
        // 20 fps is 5 from 15 and 10 from 30.
        #expect(camera.frameInterval == V4L2Fraction(numerator: 1, denominator: 15))
        #expect(camera.framesPerSecond == 15)
        #expect(camera.info.formats.map(\.pixelFormat) == [.yuyv, .yuv420])
        #expect(camera.info.formats[1].isEmulated && !camera.info.formats[0].isEmulated)
        #expect(camera.info.formats[0].description == "YUYV 4:2:2")
        #expect(camera.info.formats[0].intervals[V4L2Size(width: 1280, height: 720)]?.framesPerSecond == [30, 15])
        // The driver granted 3 of the 4 buffers asked for; all are mapped and queued, and streaming is on.
        #expect(driver.buffers.count == 3 && driver.mappedCount == 3 && driver.queuedCount == 3)
        #expect(driver.streaming)
        #expect(driver.log.prefix(4) == ["S_FMT YU12 640x480", "S_PARM 1/15", "REQBUFS 3", "STREAMON"])
    }

    @Test func framesArriveInOrderWithTheirTimestampsAndBuffersGoBack() throws {
        let driver = SimulatedV4L2Driver.webcam()
        let camera = try open(driver, width: 320, height: 240)
        defer { camera.close() }
        #expect(driver.produce(i420(width: 320, height: 240, luma: 50), seconds: 12, microseconds: 345_678))
        #expect(driver.produce(i420(width: 320, height: 240, luma: 60), seconds: 12, microseconds: 379_011))
        let first = try #require(try camera.nextFrame(timeout: .zero))
        let second = try #require(try camera.nextFrame(timeout: nil))
        #expect(first.width == 320 && first.height == 240)
        #expect(first.y.allSatisfy { $0 == 50 } && second.y.allSatisfy { $0 == 60 })
        #expect(first.u.allSatisfy { $0 == 100 } && first.v.allSatisfy { $0 == 200 })
        #expect(first.captureTime == Instant(nanoseconds: 12_345_678_000))
        #expect(second.captureTime == Instant(nanoseconds: 12_379_011_000))
        #expect(camera.framesCaptured == 2)
        #expect(driver.queuedCount == 3)
        // Nothing more captured: a zero timeout returns at once with nothing.
        #expect(try camera.nextFrame(timeout: .zero) == nil)
        // Keep going round the ring several times: every buffer is given back each time.
        for luma in UInt8(1)...10 {
            #expect(driver.produce(i420(width: 320, height: 240, luma: luma)))
            #expect(try camera.nextFrame(timeout: .zero)?.y.first == luma)
        }
        #expect(driver.queuedCount == 3)
    }

    @Test func paddedRowsAreDroppedFromTheFrame() throws {
        let driver = SimulatedV4L2Driver.webcam()
        driver.rowPadding = 32
        let camera = try open(driver, width: 320, height: 240)
        defer { camera.close() }
        #expect(camera.bytesPerLine == 352)
        var bytes = [UInt8](repeating: 0xEE, count: driver.imageSize)
        for row in 0..<240 { for column in 0..<320 { bytes[row * 352 + column] = UInt8(row) } }
        let chroma = 352 * 240
        for row in 0..<120 {
            for column in 0..<160 {
                bytes[chroma + row * 176 + column] = 10
                bytes[chroma + 176 * 120 + row * 176 + column] = 20
            }
        }
        #expect(driver.produce(bytes))
        let frame = try #require(try camera.nextFrame(timeout: .zero))
        #expect(frame.y[0..<320].allSatisfy { $0 == 0 } && frame.y[320 * 239..<320 * 240].allSatisfy { $0 == 239 })
        #expect(frame.u.allSatisfy { $0 == 10 } && frame.v.allSatisfy { $0 == 20 })
    }

    @Test func yuyvIsConvertedWhenTheDriverGrantsOnlyThat() throws {
        let driver = SimulatedV4L2Driver.webcam()
        driver.grantedFormat = .yuyv
        let camera = try open(driver, width: 320, height: 240)
        defer { camera.close() }
        #expect(camera.pixelFormat == .yuyv)
        var bytes: [UInt8] = []
        for _ in 0..<(320 * 240 / 2) { bytes += [80, 90, 81, 110] }
        #expect(driver.produce(bytes))
        let frame = try #require(try camera.nextFrame(timeout: .zero))
        #expect(frame.y[0] == 80 && frame.y[1] == 81)
        #expect(frame.u.allSatisfy { $0 == 90 } && frame.v.allSatisfy { $0 == 110 })
    }

    @Test func damagedBuffersAreSkippedAndGivenBack() throws {
        let driver = SimulatedV4L2Driver.webcam()
        let camera = try open(driver, width: 320, height: 240)
        defer { camera.close() }
        #expect(driver.produce(i420(width: 320, height: 240, luma: 1), flags: 0x0040))
        #expect(try camera.nextFrame(timeout: .zero) == nil)
        #expect(camera.corruptBuffersSkipped == 1 && camera.framesCaptured == 0)
        #expect(driver.queuedCount == 3)
        #expect(driver.produce(i420(width: 320, height: 240, luma: 2)))
        #expect(try camera.nextFrame(timeout: .zero)?.y.first == 2)
    }

    @Test func pollInterruptionsAreRetriedAndFailuresThrown() throws {
        let driver = SimulatedV4L2Driver.webcam()
        let camera = try open(driver, width: 320, height: 240)
        defer { camera.close() }
        driver.produce(i420(width: 320, height: 240, luma: 9))
        driver.scriptedPolls = [.interrupted, .interrupted]
        #expect(try camera.nextFrame(timeout: nil)?.y.first == 9)
        driver.scriptedPolls = [.failed(ENODEV)]
        #expect(throws: DeviceError.system(path: "/dev/video-simulated", operation: "poll", code: ENODEV,
            message: String(cString: strerror(ENODEV)))) { try camera.nextFrame(timeout: .zero) }
    }

    @Test func closeStopsUnmapsFreesThenClosesOnce() throws {
        let driver = SimulatedV4L2Driver.webcam()
        let camera = try open(driver, width: 320, height: 240)
        camera.close()
        camera.close()
        #expect(Array(driver.log.suffix(6)) == ["STREAMOFF", "unmap 0", "unmap 1", "unmap 2", "REQBUFS 0", "close"])
        #expect(driver.closed && driver.buffers.isEmpty && !driver.streaming)
        #expect(throws: DeviceError.closed(path: "/dev/video-simulated")) { try camera.nextFrame(timeout: .zero) }
    }

    @Test func failuresCloseTheDeviceAndLeaveNothingMapped() {
        var info = SimulatedV4L2Driver.info
        info.capabilities = 0x0000_0002 | V4L2DeviceInfo.capStreaming  // video output only
        let output = SimulatedV4L2Driver.webcam()
        #expect(throws: DeviceError.notACaptureDevice(path: "/dev/video-simulated")) {
            try open(output, info: info)
        }
        #expect(output.closed)

        info.capabilities = V4L2DeviceInfo.capVideoCapture | V4L2DeviceInfo.capReadWrite
        let readOnly = SimulatedV4L2Driver.webcam()
        #expect(throws: DeviceError.noStreaming(path: "/dev/video-simulated")) { try open(readOnly, info: info) }

        // MJPEG is decoded now (MJPEGConversionTests); a Bayer-only reply still cannot be used.
        let bayerOnly = SimulatedV4L2Driver.webcam()
        bayerOnly.grantedFormat = V4L2PixelFormat("BA81")!
        #expect(throws: DeviceError.unsupportedFormat(path: "/dev/video-simulated", offered: "YUYV, YU12")) {
            try open(bayerOnly)
        }
        #expect(bayerOnly.closed && bayerOnly.mappedCount == 0)

        let stingy = SimulatedV4L2Driver.webcam()
        stingy.maximumBuffers = 1
        #expect(throws: DeviceError.self) { try open(stingy) }
        #expect(stingy.closed && stingy.mappedCount == 0)

        #expect(throws: DeviceError.self) { try open(SimulatedV4L2Driver.webcam(), fps: 0) }
    }

    @Test func aDriverWithoutFrameRateControlKeepsItsOwnRate() throws {
        let driver = SimulatedV4L2Driver.webcam()
        driver.timePerFrameSupported = false
        let camera = try open(driver, fps: 15)
        defer { camera.close() }
        #expect(camera.frameInterval == V4L2Fraction(numerator: 1, denominator: 30))
        #expect(!driver.log.contains { $0.hasPrefix("S_PARM") })
    }
}
