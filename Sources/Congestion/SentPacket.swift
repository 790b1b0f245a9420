import Wire

/// What a transport-wide sequenced packet carried, so estimators can tell media from probing and recovery
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: every packet, RTX and padding included, is numbered).
public enum PacketKind: Sendable, Hashable {
    /// Audio media.
    case audio
    /// Video media sent for the first time.
    case video
    /// A retransmission (RTX) answering a NACK.
    case retransmission
    /// Padding only (bandwidth probing or keeping the estimate up).
    case padding
}

/// One packet the sender put on the wire, as remembered by `SentPacketLog`.
public struct SentPacket: Sendable, Equatable {
    /// Unwrapped transport-wide sequence number.
    public var sequenceNumber: Int64
    /// When the packet left the pacer (sender's clock).
    public var sendTime: Instant
    /// Bytes on the wire (the whole RTP packet, after SRTP; IP/UDP overhead excluded).
    public var size: Int
    /// What it carried.
    public var kind: PacketKind
    /// The probe cluster it belonged to (draft-ietf-rmcat-gcc-02 §4 pacing, probing in libwebrtc's sense).
    public var probeClusterID: Int?

    /// A sent packet from its fields.
    public init(sequenceNumber: Int64, sendTime: Instant, size: Int, kind: PacketKind, probeClusterID: Int? = nil) {
        self.sequenceNumber = sequenceNumber
        self.sendTime = sendTime
        self.size = size
        self.kind = kind
        self.probeClusterID = probeClusterID
    }
}

/// A sent packet joined with what the receiver's feedback said about it
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).
public struct PacketResult: Sendable, Equatable {
    /// The packet as sent.
    public var sent: SentPacket
    /// Arrival time on the receiver's clock (only differences between arrivals mean anything); nil when lost.
    public var arrival: Instant?

    /// True when earlier feedback reported this packet lost and this one reports its (late) arrival: loss
    /// counting takes the earlier loss back.
    public var wasReportedLost: Bool

    /// A result from its fields.
    public init(sent: SentPacket, arrival: Instant?, wasReportedLost: Bool = false) {
        self.sent = sent
        self.arrival = arrival
        self.wasReportedLost = wasReportedLost
    }

    /// Whether the receiver got the packet.
    public var isReceived: Bool { arrival != nil }
}
