import Media
import SDP
import Wire

/// What a `MediaSession` asks of its owner: the codec work it never does itself (ARCHITECTURE.md: codecs run on
/// worker threads behind bounded queues, the network path never waits for one), and what it learned that only
/// the owner can use.
public enum MediaEvent: Sendable {
    /// Encode this picture and hand the result back with `MediaSession.videoEncoded(_:isKeyframe:captureTime:now:)`.
    case encodeVideo(VideoEncodeRequest)
    /// Encode these 20 ms and hand the packet back with `MediaSession.audioEncoded(_:samples:captureTime:now:)`.
    case encodeAudio(AudioEncodeRequest)
    /// Decode one complete VP8 frame of the remote (in order; the jitter buffer withholds broken chains). When the
    /// decoder had to drop frames to keep up, tell the session (`requestKeyframe(now:)`).
    case decodeVideo(VideoDecodeRequest)
    /// Decode one Opus packet of the remote, in arrival order; the decoder fills gaps by FEC or concealment.
    case decodeAudio(AudioDecodeRequest)
    /// The remote's sender report for one of its streams: its NTP ↔ RTP mapping (RFC 3550 §6.4.1), what audio
    /// and video synchronization needs.
    case remoteSenderReport(RemoteSenderReport)
}

/// What the engine wants from the video encoder now: the rate the path carries, and how far to scale pictures
/// down to spend it well (draft-ietf-rmcat-gcc-02 gives the rate; the picture size is the encoder's side).
public struct VideoEncoderTarget: Sendable, Equatable {
    /// Target bitrate in bits per second (VP8 `rc_target_bitrate`).
    public var bitrate: Int
    /// Pictures are scaled down by this divisor in each dimension (1: as captured, 2: half width and height).
    public var scaleDivisor: Int
    /// Pictures beyond this rate are not encoded (the engine skips them before asking).
    public var maxFrameRate: Int

    /// A target.
    public init(bitrate: Int, scaleDivisor: Int = 1, maxFrameRate: Int = 30) {
        self.bitrate = bitrate
        self.scaleDivisor = max(scaleDivisor, 1)
        self.maxFrameRate = max(maxFrameRate, 1)
    }
}

/// What the engine wants from the Opus encoder now.
public struct AudioEncoderTarget: Sendable, Equatable {
    /// Target bitrate in bits per second.
    public var bitrate: Int
    /// The loss the encoder should expect, in percent (0...100): more means more in-band FEC (RFC 6716 §2.1.7).
    public var packetLossPercent: Int
    /// Whether in-band FEC is on: congestion control turns it on above 1% measured loss.
    public var fec: Bool

    /// A target.
    public init(bitrate: Int, packetLossPercent: Int, fec: Bool = true) {
        self.bitrate = bitrate
        self.packetLossPercent = min(max(packetLossPercent, 0), 100)
        self.fec = fec
    }
}

/// One picture to encode.
public struct VideoEncodeRequest: Sendable {
    /// The picture, with its capture time.
    public var frame: VideoFrame
    /// Whether it must be a keyframe: the remote asked (PLI, FIR), or nothing reached it yet.
    public var forceKeyframe: Bool
    /// The rate and scale to encode at; nil: the encoder's own configuration.
    public var target: VideoEncoderTarget?

    /// A request for `frame`.
    public init(frame: VideoFrame, forceKeyframe: Bool, target: VideoEncoderTarget? = nil) {
        self.frame = frame
        self.forceKeyframe = forceKeyframe
        self.target = target
    }
}

/// 20 ms of audio to encode.
public struct AudioEncodeRequest: Sendable {
    /// The samples, with their capture time.
    public var frame: AudioFrame
    /// The rate and expected loss to encode with; nil: the encoder's own configuration.
    public var target: AudioEncoderTarget?

    /// A request for `frame`.
    public init(frame: AudioFrame, target: AudioEncoderTarget? = nil) {
        self.frame = frame
        self.target = target
    }
}

/// One complete frame of the remote's video, for the decoder.
public struct VideoDecodeRequest: Sendable {
    /// The VP8 frame as reassembled (RFC 7741 descriptors removed).
    public var frame: [UInt8]
    /// Its RTP timestamp (90 kHz): presentation time, for recorders and A/V sync.
    public var rtpTimestamp: UInt32

    /// A request for `frame`.
    public init(frame: [UInt8], rtpTimestamp: UInt32) {
        self.frame = frame
        self.rtpTimestamp = rtpTimestamp
    }
}

/// One Opus packet of the remote, for the decoder.
public struct AudioDecodeRequest: Sendable {
    /// The packet's RTP sequence number: a gap before it is filled by FEC or concealment.
    public var sequenceNumber: UInt16
    /// Its RTP timestamp (48 kHz).
    public var rtpTimestamp: UInt32
    /// The Opus packet (RFC 7587).
    public var payload: [UInt8]

    /// A request for `payload`.
    public init(sequenceNumber: UInt16, rtpTimestamp: UInt32, payload: [UInt8]) {
        self.sequenceNumber = sequenceNumber
        self.rtpTimestamp = rtpTimestamp
        self.payload = payload
    }
}

/// The NTP ↔ RTP mapping of one of the remote's streams, from its sender report.
public struct RemoteSenderReport: Sendable, Equatable {
    /// Which of the remote's streams it is about.
    public var kind: MediaKind
    /// The wall clock of the remote when it sent the report (RFC 3550 §6.4.1, 64-bit NTP).
    public var ntpTimestamp: UInt64
    /// The RTP time that stands for the same instant.
    public var rtpTimestamp: UInt32
}
