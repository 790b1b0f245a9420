import Peer
import RTP
import SDP
import Wire

/// What an endpoint (a call that encodes and decodes, not a forwarder) sends and receives: at most one outgoing
/// and one incoming stream per medium, read from the negotiated sections.
public struct EndpointLayout: Sendable, Equatable {
    /// One stream this side sends.
    public struct Outbound: Sendable, Equatable {
        /// Audio or video.
        public var kind: MediaKind
        /// The section it goes on.
        public var mid: Mid
        /// Our SSRC on that section.
        public var ssrc: SSRC
        /// The negotiated payload type of the codec we send.
        public var payloadType: PayloadType
        /// The codec's RTP clock rate (90 kHz VP8, 48 kHz Opus).
        public var clockRate: UInt32
        /// RTX for resends (RFC 4588), when negotiated.
        public var rtx: RetransmissionHistory.RTX?
        /// The id of the MID header extension (RFC 8843 §15.2), when negotiated: every packet names its section.
        public var midExtensionID: UInt8?
        /// The id of the transport-wide sequence number extension, when negotiated: every packet gets one and the
        /// remote's feedback about them drives congestion control.
        public var transportCCExtensionID: UInt8?
        /// The id of abs-send-time, when negotiated: every packet carries its send time, for the remote's REMB.
        public var absSendTimeExtensionID: UInt8?

        /// An outgoing stream.
        public init(kind: MediaKind, mid: Mid, ssrc: SSRC, payloadType: PayloadType, clockRate: UInt32,
                    rtx: RetransmissionHistory.RTX?, midExtensionID: UInt8?, transportCCExtensionID: UInt8? = nil,
                    absSendTimeExtensionID: UInt8? = nil) {
            self.kind = kind
            self.mid = mid
            self.ssrc = ssrc
            self.payloadType = payloadType
            self.clockRate = clockRate
            self.rtx = rtx
            self.midExtensionID = midExtensionID
            self.transportCCExtensionID = transportCCExtensionID
            self.absSendTimeExtensionID = absSendTimeExtensionID
        }
    }

    /// One stream this side receives.
    public struct Inbound: Sendable, Equatable {
        /// Audio or video.
        public var kind: MediaKind
        /// The section it arrives on.
        public var mid: Mid
        /// The RTX payload type on that section: such packets are repairs, unwrapped before the jitter buffer.
        public var rtxPayloadType: PayloadType?
        /// The SSRC our feedback about it (NACK, PLI, report blocks) is sent from.
        public var localSSRC: SSRC
        /// The codec's RTP clock rate.
        public var clockRate: UInt32
        /// The id of the transport-wide sequence number extension, when negotiated: arrivals are reported back.
        public var transportCCExtensionID: UInt8?
        /// The id of abs-send-time, when negotiated: without transport-wide numbers, our REMB comes from it.
        public var absSendTimeExtensionID: UInt8?

        /// An incoming stream.
        public init(kind: MediaKind, mid: Mid, rtxPayloadType: PayloadType?, localSSRC: SSRC, clockRate: UInt32,
                    transportCCExtensionID: UInt8? = nil, absSendTimeExtensionID: UInt8? = nil) {
            self.kind = kind
            self.mid = mid
            self.rtxPayloadType = rtxPayloadType
            self.localSSRC = localSSRC
            self.clockRate = clockRate
            self.transportCCExtensionID = transportCCExtensionID
            self.absSendTimeExtensionID = absSendTimeExtensionID
        }
    }

    /// What we send (one per medium at most).
    public var outbound: [Outbound]
    /// What we receive (one per medium at most).
    public var inbound: [Inbound]

    /// A layout of the given streams.
    public init(outbound: [Outbound], inbound: [Inbound]) {
        self.outbound = outbound
        self.inbound = inbound
    }

    /// The first live audio and the first live video section of a negotiated peer: each sends when its direction
    /// and codec allow, and receives when its direction does (and `receive` is asked for).
    public init(_ transceivers: [Transceiver], receive: Bool = true) {
        var outbound: [Outbound] = [], inbound: [Inbound] = []
        for kind in [MediaKind.video, .audio] {
            guard let section = transceivers.first(where: { $0.kind == kind && !$0.isStopped }),
                  let codec = section.sendCodec else { continue }
            if section.direction.sends {
                var rtx: RetransmissionHistory.RTX?
                if let ssrc = section.localRTXSSRC, let type = section.rtxPayloadType {
                    rtx = RetransmissionHistory.RTX(ssrc: ssrc, payloadType: type)
                }
                outbound.append(Outbound(kind: kind, mid: section.mid, ssrc: section.localSSRC,
                                         payloadType: codec.payloadType, clockRate: codec.clockRate, rtx: rtx,
                                         midExtensionID: section.midExtensionID,
                                         transportCCExtensionID: section.transportCCExtensionID,
                                         absSendTimeExtensionID: section.absSendTimeExtensionID))
            }
            if receive, section.direction.receives {
                inbound.append(Inbound(kind: kind, mid: section.mid, rtxPayloadType: section.rtxPayloadType,
                                       localSSRC: section.localSSRC, clockRate: codec.clockRate,
                                       transportCCExtensionID: section.transportCCExtensionID,
                                       absSendTimeExtensionID: section.absSendTimeExtensionID))
            }
        }
        self.init(outbound: outbound, inbound: inbound)
    }
}
