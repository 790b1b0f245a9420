/// Counters and congestion state of one SCTP association, for stats pages and tests.
public struct SCTPStats: Sendable, Hashable {
    /// SCTP packets sent.
    public var packetsSent = 0
    /// SCTP packets received (checksum and tag valid).
    public var packetsReceived = 0
    /// Bytes of SCTP packets sent.
    public var bytesSent = 0
    /// Bytes of SCTP packets received.
    public var bytesReceived = 0
    /// DATA chunks sent for the first time.
    public var dataChunksSent = 0
    /// DATA chunks received (duplicates included).
    public var dataChunksReceived = 0
    /// DATA chunks retransmitted because the T3-rtx timer expired.
    public var timeoutRetransmissions = 0
    /// DATA chunks retransmitted after three missing reports (fast retransmit, RFC 9260 §7.2.4).
    public var fastRetransmissions = 0
    /// DATA chunks abandoned under partial reliability (RFC 3758).
    public var abandonedChunks = 0
    /// Duplicate TSNs received.
    public var duplicateTSNsReceived = 0
    /// Packets dropped on receipt: bad checksum, wrong verification tag, unparsable.
    public var packetsDropped = 0
    /// Congestion window, bytes.
    public var congestionWindow = 0
    /// Slow-start threshold, bytes.
    public var slowStartThreshold = 0
    /// Current retransmission timeout.
    public var retransmissionTimeout: Duration = .zero
    /// Smoothed round-trip time, nil before the first measurement.
    public var smoothedRTT: Duration?
    /// The peer's receive window as last advertised, minus what is in flight.
    public var peerReceiveWindow = 0
    /// Bytes of DATA sent and not yet acknowledged.
    public var outstandingBytes = 0

    /// Zeroed counters.
    public init() {}
}
