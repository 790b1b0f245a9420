import ArgumentParser

/// Where a call's outgoing video comes from (`--video`).
enum VideoSourceSpec: ExpressibleByArgument, CustomStringConvertible, Sendable, Equatable {
    /// The synthetic test pattern (frame number and capture time in the picture), optionally `testsrc:WxH@fps`,
    /// with a noise patch for `testsrc:WxH@fps+noise`.
    case testPattern(width: Int, height: Int, fps: Int, noise: Bool = false)
    /// A VP8 IVF file, looped.
    case ivfFile(String)
    /// A V4L2 camera, e.g. `v4l2:/dev/video0`.
    case camera(String)
    /// An X11 display shared at its own size, `screen[:DISPLAY][@fps]` (DISPLAY and 5 fps by default: text wants
    /// sharp pictures more than motion).
    case screen(display: String?, fps: Int)
    /// Send back what the remote side sends (bots).
    case echo
    /// No video is sent.
    case none

    /// Parses `testsrc`, `testsrc:640x480@30`, `file:clip.ivf`, `v4l2:/dev/video0`, `screen[:DISPLAY][@fps]`,
    /// `echo` or `none`.
    init?(argument: String) {
        if argument.lowercased().hasPrefix("screen") {
            guard let screen = Self.screen(String(argument.dropFirst("screen".count))) else { return nil }
            self = screen
            return
        }
        let (scheme, rest) = Self.split(argument)
        switch scheme {
        case "testsrc":
            guard let rest else { self = .testPattern(width: 640, height: 480, fps: 30); return }
            guard let format = VideoFormat(argument: rest) else { return nil }
            self = .testPattern(width: format.width, height: format.height, fps: format.fps, noise: format.noise)
        case "file":
            guard let rest, !rest.isEmpty else { return nil }
            self = .ivfFile(rest)
        case "v4l2":
            self = .camera(rest.flatMap { $0.isEmpty ? nil : $0 } ?? "/dev/video0")
        case "echo" where rest == nil:
            self = .echo
        case "none" where rest == nil:
            self = .none
        default:
            return nil
        }
    }

    /// `""`, `":99"`, `"::99"`, `"@10"`, `"::99@10"` after `screen`.
    private static func screen(_ rest: String) -> VideoSourceSpec? {
        var rest = Substring(rest)
        var fps = 5
        if let at = rest.lastIndex(of: "@") {
            guard let rate = Int(rest[rest.index(after: at)...]), (1...60).contains(rate) else { return nil }
            fps = rate
            rest = rest[..<at]
        }
        if rest.isEmpty { return .screen(display: nil, fps: fps) }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst()
        guard !rest.isEmpty else { return .screen(display: nil, fps: fps) }
        return .screen(display: rest.first == ":" ? String(rest) : ":" + rest, fps: fps)
    }

    static func split(_ argument: String) -> (String, String?) {
        guard let colon = argument.firstIndex(of: ":") else { return (argument.lowercased(), nil) }
        return (argument[..<colon].lowercased(), String(argument[argument.index(after: colon)...]))
    }

    var description: String {
        switch self {
        case let .testPattern(width, height, fps, noise):
            return "testsrc:\(VideoFormat(width: width, height: height, fps: fps, noise: noise))"
        case let .ivfFile(path): return "file:\(path)"
        case let .camera(path): return "v4l2:\(path)"
        case let .screen(display, fps): return "screen" + (display.map { ":\($0)" } ?? "") + "@\(fps)"
        case .echo: return "echo"
        case .none: return "none"
        }
    }

    static let defaultValueDescription = "testsrc:640x480@30"
}

/// Where a call's outgoing audio comes from (`--audio`).
enum AudioSourceSpec: ExpressibleByArgument, CustomStringConvertible, Sendable, Equatable {
    /// A sine tone, `tone` (440 Hz) or `tone:660`.
    case tone(frequency: Double)
    /// An Ogg Opus file, looped.
    case oggFile(String)
    /// An ALSA capture device, e.g. `alsa:default`.
    case microphone(String)
    /// Send back what the remote side sends (bots).
    case echo
    /// No audio is sent.
    case none

    /// Parses `tone`, `tone:660`, `file:speech.ogg`, `alsa:default`, `echo` or `none`.
    init?(argument: String) {
        let (scheme, rest) = VideoSourceSpec.split(argument)
        switch scheme {
        case "tone":
            guard let rest else { self = .tone(frequency: 440); return }
            guard let hertz = Double(rest), (20...20_000).contains(hertz) else { return nil }
            self = .tone(frequency: hertz)
        case "file":
            guard let rest, !rest.isEmpty else { return nil }
            self = .oggFile(rest)
        case "alsa":
            self = .microphone(rest.flatMap { $0.isEmpty ? nil : $0 } ?? "default")
        case "echo" where rest == nil:
            self = .echo
        case "none" where rest == nil:
            self = .none
        default:
            return nil
        }
    }

    var description: String {
        switch self {
        case let .tone(frequency): return "tone:\(Int(frequency))"
        case let .oggFile(path): return "file:\(path)"
        case let .microphone(device): return "alsa:\(device)"
        case .echo: return "echo"
        case .none: return "none"
        }
    }

    static let defaultValueDescription = "tone:440"
}

extension VideoSourceSpec {
    /// The media endpoint's source for this spec (a camera at 640x480@30, or the nearest it offers).
    func mediaSource() throws -> CallMediaConfiguration.VideoSource {
        switch self {
        case let .testPattern(width, height, fps, noise):
            return .testPattern(VideoFormat(width: width, height: height, fps: fps, noise: noise))
        case let .ivfFile(path): return .ivf(path: path)
        case .echo: return .echo
        case .none: return .none
        case let .camera(path): return .camera(path: path, format: VideoFormat(width: 640, height: 480, fps: 30))
        case let .screen(display, fps): return .screen(display: display, fps: fps)
        }
    }
}

extension AudioSourceSpec {
    /// The media endpoint's source for this spec.
    func mediaSource() throws -> CallMediaConfiguration.AudioSource {
        switch self {
        case let .tone(frequency): return .tone(frequency)
        case let .oggFile(path): return .ogg(path: path)
        case .echo: return .echo
        case .none: return .none
        case let .microphone(device): return .microphone(device: device)
        }
    }
}
