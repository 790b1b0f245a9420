import Foundation

/// What one call's media endpoint sends, records and measures.
struct CallMediaConfiguration: Sendable {
    /// Where outgoing video comes from.
    enum VideoSource: Sendable, Equatable {
        /// The synthetic test pattern (frame number and capture time in the picture), VP8-encoded live.
        case testPattern(VideoFormat)
        /// A VP8 IVF file, sent in a loop at the pace of its timestamps.
        case ivf(path: String)
        /// A V4L2 camera (`/dev/videoN`) at the nearest size and rate it offers, VP8-encoded live.
        case camera(path: String, format: VideoFormat)
        /// An X11 display (nil: DISPLAY) captured at `fps` at its own size, VP8-encoded live.
        case screen(display: String?, fps: Int)
        /// The remote's own video sent back: its reassembled VP8 frames, re-packetized on this side's stream.
        case echo
        /// No video.
        case none
    }

    /// Where outgoing audio comes from.
    enum AudioSource: Sendable, Equatable {
        /// A sine tone of this frequency in Hz, Opus-encoded live.
        case tone(Double)
        /// An Ogg Opus file, sent in a loop at the pace of its packets' durations.
        case ogg(path: String)
        /// An ALSA capture device (`default`, `hw:0`, ...), 48 kHz mono, Opus-encoded live.
        case microphone(device: String)
        /// The remote's own Opus packets sent back.
        case echo
        /// No audio.
        case none
    }

    /// Where received media is written: `<directory>/<name>.ivf` (VP8 frames as reassembled) and
    /// `<directory>/<name>.ogg` (Opus packets as received).
    struct Recording: Sendable, Equatable {
        var directory: String
        var name: String

        var videoPath: String { (directory as NSString).appendingPathComponent(name + ".ivf") }
        var audioPath: String { (directory as NSString).appendingPathComponent(name + ".ogg") }
    }

    var video: VideoSource = .testPattern(VideoFormat(width: 640, height: 480, fps: 30))
    var audio: AudioSource = .tone(440)
    /// Received media to record, if any.
    var recording: Recording?
    /// VP8 target bitrate in bits per second.
    var videoBitrate = 1_000_000
    /// Opus bitrate in bits per second.
    var audioBitrate = 32_000
    /// The tone the remote sends, when known: received audio is then compared with it (SNR).
    var remoteToneFrequency: Double?
    /// How often sender and receiver reports go out (RFC 3550 §6.2 suggests about 5 s for real calls; a short
    /// interval gives RTT and A/V sync quickly).
    var reportInterval: Duration = .seconds(1)
    /// Whether every decoded frame is kept for the summary (`linkup probe --frame-timeline`, benchmarks).
    var keepsFrameTimeline = false
    /// A person's devices: the window, the speaker, mute and echo cancellation (`linkup call`).
    var taps = CallMediaTaps()

    init(video: VideoSource = .testPattern(VideoFormat(width: 640, height: 480, fps: 30)),
         audio: AudioSource = .tone(440), recording: Recording? = nil) {
        self.video = video
        self.audio = audio
        self.recording = recording
    }
}
