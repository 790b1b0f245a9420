#if canImport(Glibc)
import Glibc
#endif

/// The V4L2 capture devices on this machine: every /dev/video* node that answers VIDIOC_QUERYCAP with single-planar
/// video capture for that node (USB cameras also expose metadata-only nodes, which are left out).
public enum V4L2DeviceList {
    /// The /dev/video* nodes, in numeric order ("/dev/video2" before "/dev/video10").
    public static func nodes(in directory: String = "/dev") -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var numbers: [Int] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes[..<(bytes.firstIndex(of: 0) ?? bytes.count)], as: UTF8.self)
            }
            guard name.hasPrefix("video"), let number = Int(name.dropFirst(5)), number >= 0 else { continue }
            numbers.append(number)
        }
        return numbers.sorted().map { "\(directory)/video\($0)" }
    }

    /// Capture devices with their formats, sizes and intervals (as libv4l offers them, emulated YU12 included).
    /// Nodes that cannot be opened (busy, forbidden) are skipped; `skipped` lists why.
    public static func captureDevices(in directory: String = "/dev") -> (devices: [V4L2DeviceInfo],
        skipped: [DeviceError])
    {
        var devices: [V4L2DeviceInfo] = []
        var skipped: [DeviceError] = []
        for path in nodes(in: directory) {
            do throws(DeviceError) {
                if let device = try describe(path: path) { devices.append(device) }
            } catch {
                skipped.append(error)
            }
        }
        return (devices, skipped)
    }

    /// One node's description with formats, or nil when it is a V4L2 device but not a video capture node.
    public static func describe(path: String) throws(DeviceError) -> V4L2DeviceInfo? {
        let handle = try V4L2Handle(path: path)
        defer { handle.close() }
        var info = handle.info
        guard info.isVideoCapture else { return nil }
        try handle.wrapWithLibv4l()
        info.formats = V4L2FormatEnumerator.formats(of: handle)
        return info
    }
}
