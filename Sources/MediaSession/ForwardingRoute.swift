import RTP
import Wire

/// How one received stream is sent on: from which media section it comes, on which it leaves, and the identity
/// it leaves with. An echo routes a section back onto itself; a relay routes one peer's section onto another's.
public struct ForwardingRoute: Sendable, Equatable {
    /// Audio streams are forwarded as they come; video streams also get NACKs upstream and keyframe relays.
    public enum Kind: Sendable, Equatable {
        /// Opus and other audio: no retransmission upstream (a late audio packet is worth nothing).
        case audio
        /// VP8 and other video: gaps are NACKed upstream, PLI/FIR from downstream reach the source.
        case video
    }

    /// Audio or video.
    public var kind: Kind
    /// The section the stream arrives on.
    public var inboundMid: Mid
    /// The section it leaves on.
    public var outboundMid: Mid
    /// The SSRC it leaves with (the sending transceiver's own SSRC).
    public var outboundSSRC: SSRC
    /// RTX for what leaves (RFC 4588), when the outbound section negotiated it: NACKs are answered with RTX.
    public var outboundRTX: RetransmissionHistory.RTX?
    /// The RTX payload type of the inbound section: such packets are repairs of the source stream, unwrapped.
    public var inboundRTXPayloadType: PayloadType?
    /// Inbound payload type to outbound payload type; a type missing here leaves unchanged.
    public var payloadTypes: [PayloadType: PayloadType]
    /// The RTP clock rate (90 kHz video, 48 kHz Opus), for sender reports.
    public var clockRate: UInt32

    /// A route from `inboundMid` to `outboundMid`.
    public init(kind: Kind, inboundMid: Mid, outboundMid: Mid, outboundSSRC: SSRC,
                outboundRTX: RetransmissionHistory.RTX? = nil, inboundRTXPayloadType: PayloadType? = nil,
                payloadTypes: [PayloadType: PayloadType] = [:], clockRate: UInt32) {
        self.kind = kind
        self.inboundMid = inboundMid
        self.outboundMid = outboundMid
        self.outboundSSRC = outboundSSRC
        self.outboundRTX = outboundRTX
        self.inboundRTXPayloadType = inboundRTXPayloadType
        self.payloadTypes = payloadTypes
        self.clockRate = clockRate
    }
}
