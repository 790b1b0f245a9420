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
    case encodeAudio(AudioFrame)
    /// Decode one complete VP8 frame of the remote (in order; the jitter buffer withholds broken chains). When the
    /// decoder had to drop frames to keep up, tell the session (`requestKeyframe(now:)`).
    case decodeVideo(VideoDecodeRequest)
    /// Decode one Opus packet of the remote, in arrival order; the decoder fills gaps by FEC or concealment.
    case decodeAudio(AudioDecodeRequest)
    /// The remote's sender report for one of its streams: its NTP ↔ RTP mapping (RFC 3550 §6.4.1), what audio
    /// and video synchronization needs.
    case remoteSenderReport(RemoteSenderReport)
}

/// One picture to encode.
public struct VideoEncodeRequest: Sendable {
    /// The picture, with its capture time.
    public var frame: VideoFrame
    /// Whether it must be a keyframe: the remote asked (PLI, FIR), or nothing reached it yet.
    public var forceKeyframe: Bool

    /// A request for `frame`.
    public init(frame: VideoFrame, forceKeyframe: Bool) {
        self.frame = frame
        self.forceKeyframe = forceKeyframe
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
