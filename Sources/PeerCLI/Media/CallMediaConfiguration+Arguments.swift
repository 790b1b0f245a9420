import ArgumentParser

/// `--video` of `linkup call` and `bot`: `pattern` (640x480@30), `pattern:WxH@fps` or just `WxH@fps`,
/// `ivf:PATH`, `echo`, `none`.
extension CallMediaConfiguration.VideoSource: ExpressibleByArgument, CustomStringConvertible {
    init?(argument: String) {
        let lowered = argument.lowercased()
        switch lowered {
        case "pattern", "test", "testpattern": self = .testPattern(VideoFormat(width: 640, height: 480, fps: 30))
        case "echo": self = .echo
        case "none", "off": self = .none
        default:
            if argument.hasPrefix("ivf:"), argument.count > 4 {
                self = .ivf(path: String(argument.dropFirst(4)))
            } else if let format = VideoFormat(argument: lowered.hasPrefix("pattern:")
                                                ? String(lowered.dropFirst(8)) : lowered) {
                self = .testPattern(format)
            } else {
                return nil
            }
        }
    }

    var description: String {
        switch self {
        case let .testPattern(format): return "pattern:\(format)"
        case let .ivf(path): return "ivf:\(path)"
        case .echo: return "echo"
        case .none: return "none"
        }
    }
}

/// `--audio` of `linkup call` and `bot`: `tone` (440 Hz), `tone:HZ`, `ogg:PATH`, `echo`, `none`.
extension CallMediaConfiguration.AudioSource: ExpressibleByArgument, CustomStringConvertible {
    init?(argument: String) {
        let lowered = argument.lowercased()
        switch lowered {
        case "tone": self = .tone(440)
        case "echo": self = .echo
        case "none", "off": self = .none
        default:
            if argument.hasPrefix("ogg:"), argument.count > 4 {
                self = .ogg(path: String(argument.dropFirst(4)))
            } else if lowered.hasPrefix("tone:"), let hertz = Double(lowered.dropFirst(5)),
                      (20...20_000).contains(hertz) {
                self = .tone(hertz)
            } else {
                return nil
            }
        }
    }

    var description: String {
        switch self {
        case let .tone(hertz): return "tone:\(Int(hertz))"
        case let .ogg(path): return "ogg:\(path)"
        case .echo: return "echo"
        case .none: return "none"
        }
    }
}
