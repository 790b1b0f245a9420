import Wire

/// Pre-encoded, pre-packetized media that a load-generating caller replays in a loop: the RTP payloads of every
/// video frame and audio packet with the time each is due, shared (immutable) by every caller of a load run so
/// that no caller encodes, decodes or even re-packetizes anything.
public struct ReplayProgram: Sendable {
    /// One video frame: its RTP payloads (descriptor included), due `due` after the start of the loop, with an RTP
    /// timestamp offset (90 kHz) from the loop's start.
    public struct VideoFrame: Sendable {
        /// When it is due after the loop started.
        public var due: Duration
        /// The 90 kHz RTP time since the loop started.
        public var timestamp: UInt32
        /// The packets' payloads; the last one carries the marker bit.
        public var payloads: [[UInt8]]

        /// A frame of `payloads` due at `due`.
        public init(due: Duration, timestamp: UInt32, payloads: [[UInt8]]) {
            self.due = due
            self.timestamp = timestamp
            self.payloads = payloads
        }
    }

    /// One audio packet, due `due` after the start of the loop, with its 48 kHz RTP time since the loop started.
    public struct AudioPacket: Sendable {
        /// When it is due after the loop started.
        public var due: Duration
        /// The 48 kHz RTP time since the loop started.
        public var timestamp: UInt32
        /// The Opus packet.
        public var payload: [UInt8]

        /// A packet due at `due`.
        public init(due: Duration, timestamp: UInt32, payload: [UInt8]) {
            self.due = due
            self.timestamp = timestamp
            self.payload = payload
        }
    }

    /// The video frames of one loop, in order.
    public var video: [VideoFrame]
    /// The audio packets of one loop, in order.
    public var audio: [AudioPacket]
    /// How long one loop lasts; both media start over after it.
    public var loopDuration: Duration

    /// A program of `video` and `audio` repeating every `loopDuration`.
    public init(video: [VideoFrame], audio: [AudioPacket], loopDuration: Duration) {
        self.video = video
        self.audio = audio
        self.loopDuration = loopDuration
    }

    /// RTP packets one loop sends.
    public var packetsPerLoop: Int { video.reduce(0) { $0 + $1.payloads.count } + audio.count }
}
