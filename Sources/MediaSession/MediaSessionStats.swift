/// What a `MediaSession` counted, for logs, `--json` and load reports.
public struct MediaSessionStats: Sendable, Equatable {
    /// RTP packets received from the source (RTX repairs included) and their bytes.
    public var packetsReceived = 0
    public var bytesReceived = 0
    /// RTP packets forwarded (each received packet once) and their bytes.
    public var packetsForwarded = 0
    public var bytesForwarded = 0
    /// Received packets that were RTX repairs of the source stream.
    public var repairsReceived = 0
    /// Packets that could not be forwarded: no route for their section, or an RTX packet with nothing inside.
    public var packetsDropped = 0
    /// NACKs received from downstream and packets resent from our history for them.
    public var nacksReceived = 0
    public var packetsResent = 0
    /// NACKs sent upstream for gaps in the source streams.
    public var nacksSent = 0
    /// PLI/FIR received from downstream, and how many of them went on to the source.
    public var keyframeRequestsReceived = 0
    public var keyframeRequestsRelayed = 0
    /// Regular compound reports (SR/RR + SDES) sent.
    public var reportsSent = 0
    /// The round trip the last report block about our streams gave (RFC 3550 §6.4.1), in milliseconds.
    public var roundTripMs: Double?
    /// The fraction of our forwarded packets the other side reported lost, last report (0...1).
    public var remoteLossFraction: Double?
    /// Loss and jitter of what the source sent us, over the whole call.
    public var sourcePacketsExpected: UInt64 = 0
    public var sourcePacketsLost: Int64 = 0
    /// Interarrival jitter of the source's video in milliseconds (RFC 3550 §6.4.1), if any.
    public var sourceJitterMs: Double?

    // An endpoint's own media (what it encodes and decodes).
    /// Frames handed in to send (pictures and 20 ms of audio) that nothing could carry: the stream is not
    /// negotiated to send.
    public var framesRefused = 0
    /// Pictures not encoded because they came sooner than the target frame rate allows.
    public var framesSkipped = 0
    /// Encoded frames sent (VP8 frames, Opus packets), keyframes among them, and their RTP packets and bytes.
    public var videoFramesSent = 0
    public var audioFramesSent = 0
    public var keyframesSent = 0
    public var packetsSent = 0
    public var bytesSent = 0
    /// Complete video frames the jitter buffer handed to the decoder, and audio packets handed to it.
    public var videoFramesReceived = 0
    public var audioPacketsReceived = 0
    /// Video frames the jitter buffer gave up on or withheld after a loss.
    public var videoFramesDropped = 0
    /// Audio packets put back in order, dropped as too late (their gap was already given up), and gaps given up
    /// on (the decoder conceals them); the current wait for a missing audio packet (`AudioReorderBuffer`).
    public var audioPacketsReordered = 0
    public var audioPacketsLate = 0
    public var audioGapsSkipped = 0
    public var audioReorderWaitMs: Double?
    /// How long an incomplete video frame is waited for now (follows the round trip and jitter).
    public var videoWaitMs: Double?
    /// Congestion control (when the remote takes transport-wide sequence numbers): the target bitrate now, the
    /// picture size and frame rate it allows, padding packets sent to probe, and feedback packets we sent about
    /// what we receive.
    public var targetBitrate: Int?
    public var videoStep: String?
    public var paddingPacketsSent = 0
    public var transportFeedbackSent = 0
    /// Transport-wide feedback and REMB packets the remote sent about what we send, and the last REMB's bitrate.
    public var transportFeedbackReceived = 0
    public var rembReceived = 0
    public var lastRembBitrate: Int?
    /// RTCP compounds that did not parse (ignored, RFC 3550 §6.1), and why the last one did not.
    public var rtcpUnparsed = 0
    public var lastRTCPError: String?
    /// PLIs sent for our own decoding.
    public var plisSent = 0
    /// The fraction of our video the remote reported lost, last report (0...1).
    public var videoLossFraction: Double?

    /// Empty statistics.
    public init() {}

    /// The fraction of the source's packets that never arrived (0...1), nil before any arrived.
    public var sourceLossFraction: Double? {
        sourcePacketsExpected > 0 ? Double(max(sourcePacketsLost, 0)) / Double(sourcePacketsExpected) : nil
    }
}
