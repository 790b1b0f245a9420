import Foundation
import Testing
@testable import Media

/// V4L2 paths that need no camera: the typed errors for paths that are not cameras, and listing.
@Suite struct V4L2DeviceTests {
    @Test func aMissingNodeIsNotFound() {
        #expect(throws: DeviceError.notFound(path: "/dev/video-linkup-missing")) {
            try V4L2Camera(path: "/dev/video-linkup-missing")
        }
        #expect(DeviceError.notFound(path: "/dev/video9").description == "/dev/video9 does not exist")
    }

    @Test func aNodeThatIsNotAVideoDeviceSaysSo() throws {
        // /dev/null opens but answers VIDIOC_QUERYCAP with ENOTTY.
        #expect(throws: DeviceError.notAVideoDevice(path: "/dev/null")) { try V4L2Camera(path: "/dev/null") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("linkup-not-a-camera-\(getpid())")
        try Data([1, 2, 3]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: DeviceError.notAVideoDevice(path: file.path)) { try V4L2Camera(path: file.path) }
    }

    @Test func requestsOutOfRangeAreRejectedBeforeOpening() {
        #expect(throws: DeviceError.self) { try V4L2Camera(path: "/dev/null", width: 0) }
        #expect(throws: DeviceError.self) { try V4L2Camera(path: "/dev/null", bufferCount: 1) }
    }

    @Test func errorSentencesNameTheDeviceAndTheFix() {
        #expect(DeviceError.permissionDenied(path: "/dev/video0").description
            == "permission denied opening /dev/video0 — is the user in the video group?")
        #expect(DeviceError.notACaptureDevice(path: "/dev/video0").description == "/dev/video0 is not a capture device")
        #expect(V4L2Handle.openError(path: "/dev/video0", code: EACCES) == .permissionDenied(path: "/dev/video0"))
        #expect(V4L2Handle.openError(path: "/dev/video0", code: EBUSY) == .busy(path: "/dev/video0"))
        #expect(V4L2Handle.openError(path: "/dev/video0", code: ENOENT) == .notFound(path: "/dev/video0"))
        if case let .system(_, operation, code, message) = V4L2Handle.openError(path: "/dev/video0", code: EIO) {
            #expect(operation == "open" && code == EIO && !message.isEmpty)
        } else {
            Issue.record("EIO should be a system error")
        }
    }

    @Test func nodesAreFoundAndOrderedNumerically() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("linkup-dev-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["video10", "video2", "video0", "videoX", "vbi0", "video"] {
            try Data().write(to: directory.appendingPathComponent(name))
        }
        let expected = ["video0", "video2", "video10"].map { "\(directory.path)/\($0)" }
        #expect(V4L2DeviceList.nodes(in: directory.path) == expected)
        // Regular files are not V4L2 devices: listed as skipped, not as cameras.
        let (devices, skipped) = V4L2DeviceList.captureDevices(in: directory.path)
        #expect(devices.isEmpty)
        #expect(skipped.count == 3)
        #expect(V4L2DeviceList.nodes(in: "/linkup-no-such-directory").isEmpty)
    }

    @Test func listingThisMachineReturns() {
        // Whatever this machine has (often nothing in CI): the call returns and every device it lists captures.
        let (devices, _) = V4L2DeviceList.captureDevices()
        #expect(devices.allSatisfy { $0.isVideoCapture })
    }
}
