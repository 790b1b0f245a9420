/// What a `MediaSession` counted, for logs, `--json` and load reports.
public struct MediaSessionStats: Sendable, Equatable {
    /// RTP packets received (RTX repairs included).
    public var packetsReceived = 0
    /// Bytes of the RTP packets received.
    public var bytesReceived = 0
    /// RTP packets forwarded (each received packet once).
    public var packetsForwarded = 0
    /// Bytes of the RTP packets forwarded.
    public var bytesForwarded = 0
    /// Received packets that were RTX repairs of the source stream.
    public var repairsReceived = 0
    /// Packets that could not be forwarded: no route for their section, or an RTX packet with nothing inside.
    public var packetsDropped = 0
    /// NACKs received about what we send or forward.
    public var nacksReceived = 0
    /// Packets resent from our history for those NACKs.
    public var packetsResent = 0
    /// NACKs sent: upstream for gaps in forwarded streams, or by our own jitter buffer.
    public var nacksSent = 0
    /// PLI/FIR received about what we send or forward.
    public var keyframeRequestsReceived = 0
    /// Keyframe requests a forwarder passed on to the source.
    public var keyframeRequestsRelayed = 0
    /// Regular compound reports (SR/RR + SDES) sent.
    public var reportsSent = 0
    /// The round trip the last report block about our streams gave (RFC 3550 §6.4.1), in milliseconds.
    public var roundTripMs: Double?
    /// The fraction of our packets the other side reported lost, last report (0...1).
    public var remoteLossFraction: Double?
    /// Packets the remote's streams should have delivered so far (RFC 3550 §A.3), over the whole call.
    public var sourcePacketsExpected: UInt64 = 0
    /// Of those, how many never arrived (cumulative, RFC 3550 §A.3).
    public var sourcePacketsLost: Int64 = 0
    /// Interarrival jitter of the remote's video in milliseconds (RFC 3550 §6.4.1), if any.
    public var sourceJitterMs: Double?

    // An endpoint's own media (what it encodes and decodes).
    /// Frames handed in to send (pictures and 20 ms of audio) that nothing could carry: the stream is not
    /// negotiated to send.
    public var framesRefused = 0
    /// Pictures not encoded: they came sooner than the target frame rate allows, or the pacer was backed up.
    public var framesSkipped = 0
    /// Encoded VP8 frames sent.
    public var videoFramesSent = 0
    /// Opus packets sent.
    public var audioFramesSent = 0
    /// Keyframes among the VP8 frames sent.
    public var keyframesSent = 0
    /// RTP packets of our own media sent (first transmissions).
    public var packetsSent = 0
    /// Bytes of those packets.
    public var bytesSent = 0
    /// Complete video frames the jitter buffer handed to the decoder.
    public var videoFramesReceived = 0
    /// Audio packets handed to the decoder.
    public var audioPacketsReceived = 0
    /// Video frames the jitter buffer gave up on or withheld after a loss.
    public var videoFramesDropped = 0
    /// Audio packets put back in order (`AudioReorderBuffer`).
    public var audioPacketsReordered = 0
    /// Audio packets dropped as too late: their gap had already been given up.
    public var audioPacketsLate = 0
    /// Audio gaps given up on (the decoder conceals them).
    public var audioGapsSkipped = 0
    /// How long a missing audio packet is waited for now, in milliseconds.
    public var audioReorderWaitMs: Double?
    /// How long an incomplete video frame is waited for now (follows the round trip and jitter).
    public var videoWaitMs: Double?
    /// Congestion control's target bitrate now (when the remote takes transport-wide sequence numbers).
    public var targetBitrate: Int?
    /// The picture size and frame rate that target allows (`VideoLadder`), as "WxH@fps".
    public var videoStep: String?
    /// The delay-based (trendline) and loss-based estimates the target is the smaller of, in bits per second.
    public var delayBasedEstimate: Int?
    /// See `delayBasedEstimate`.
    public var lossBasedEstimate: Int?
    /// The overuse detector's last verdict (normal, overusing, underusing).
    public var bandwidthUsage: String?
    /// Padding packets (RTX copies) sent to probe the path.
    public var paddingPacketsSent = 0
    /// Transport-wide feedback packets we sent about what we receive.
    public var transportFeedbackSent = 0
    /// Transport-wide feedback packets the remote sent about what we send.
    public var transportFeedbackReceived = 0
    /// REMB packets the remote sent.
    public var rembReceived = 0
    /// REMB messages sent (to a remote that stamps abs-send-time but gives no transport-wide numbers).
    public var rembSent = 0
    /// The bitrate of the last REMB sent, bit/s.
    public var lastRembSentBitrate: Int?
    /// The last REMB's bitrate, in bits per second.
    public var lastRembBitrate: Int?
    /// RTCP compounds that did not parse (ignored, RFC 3550 §6.1).
    public var rtcpUnparsed = 0
    /// Why the last of them did not parse.
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
