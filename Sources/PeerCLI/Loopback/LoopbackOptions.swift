import ArgumentParser

/// The video format `--video WxH@fps` names.
struct VideoFormat: ExpressibleByArgument, CustomStringConvertible, Sendable, Equatable {
    var width: Int
    var height: Int
    var fps: Int
    /// The test pattern with a patch of fresh noise in every picture (`+noise`): content an encoder can spend
    /// megabits on, for congestion benchmarks (the plain pattern needs about 0.6 Mbit/s at 640x480).
    var noise = false

    init(width: Int, height: Int, fps: Int, noise: Bool = false) {
        self.width = width
        self.height = height
        self.fps = fps
        self.noise = noise
    }

    /// Parses `640x480@30`; width and height must be even (I420) and at least 320x240 (room for the frame code the
    /// test pattern carries), fps 1...60; `640x480@30+noise` adds the noise patch.
    init?(argument: String) {
        var argument = argument.lowercased()
        let noise = argument.hasSuffix("+noise")
        if noise { argument.removeLast("+noise".count) }
        let parts = argument.split(separator: "@")
        guard parts.count == 2, let fps = Int(parts[1]) else { return nil }
        let size = parts[0].split(separator: "x")
        guard size.count == 2, let width = Int(size[0]), let height = Int(size[1]) else { return nil }
        guard (320...3840).contains(width), (240...2160).contains(height), width % 2 == 0, height % 2 == 0,
              (1...60).contains(fps) else { return nil }
        self.init(width: width, height: height, fps: fps, noise: noise)
    }

    var description: String { "\(width)x\(height)@\(fps)" + (noise ? "+noise" : "") }
    static let defaultValueDescription = "640x480@30"
}
