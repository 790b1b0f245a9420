import RTP
import SDP
import Wire

/// One negotiated media section: what this side sends and receives on it, with which codec and SSRCs.
public struct Transceiver: Sendable {
    /// The section's media identification tag, shared by both sides.
    public var mid: Mid
    /// Audio or video.
    public var kind: MediaKind
    /// What this side does, from its own point of view, once negotiated.
    public var direction: MediaDirection
    /// The codecs this side offers or accepted, best first; `codecs.first` is the one it sends.
    public var codecs: [Codec]
    /// The SSRC of the stream this side sends.
    public var localSSRC: SSRC
    /// The SSRC of this side's retransmission stream, when RTX is negotiated.
    public var localRTXSSRC: SSRC?
    /// The SSRCs the remote side announced for this section.
    public var remoteSSRCs: [SSRC] = []
    /// The RTP header extension ID of `sdes:mid`, if negotiated (RFC 9143 §15.1): how receivers route packets.
    public var midExtensionID: UInt8?
    /// The RTP header extension ID of the transport-wide sequence number, if negotiated
    /// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): what congestion control feedback is about.
    public var transportCCExtensionID: UInt8? = nil
    /// The RTP header extension ID of abs-send-time (webrtc.org), if negotiated on a video section: what a
    /// receiver's REMB estimate is computed from when the sender gives no transport-wide sequence numbers.
    public var absSendTimeExtensionID: UInt8? = nil
    /// The media stream and track IDs this side announces in `a=msid`.
    public var streamID: String
    /// The track ID in `a=msid`.
    public var trackID: String
    /// Set when the remote side rejected the section (port 0) or it could not be negotiated.
    public var isStopped = false

    var nextSequenceNumber: UInt16
    var nextRTXSequenceNumber: UInt16 = 0

    /// The codec this side sends with: the first negotiated one that is not RTX.
    public var sendCodec: Codec? { codecs.first { !$0.isNamed("rtx") } }
    /// The RTX payload type associated with the send codec, if negotiated.
    public var rtxPayloadType: PayloadType? {
        guard let primary = sendCodec?.payloadType else { return nil }
        return codecs.first { $0.isNamed("rtx") && $0.associatedPayloadType == primary }?.payloadType
    }
}
