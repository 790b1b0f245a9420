import Wire

/// Turns encoded Opus packets into RTP packets (RFC 7587 §4.2): one Opus packet per RTP packet, a 48 kHz RTP
/// clock whatever the encoder's rate, and the timestamp advanced by the packet's duration in 48 kHz samples.
public struct OpusPacketizer: Sendable {
    /// The RTP clock rate Opus always uses (RFC 7587 §4.1).
    public static let clockRate: UInt32 = 48_000
    /// The stream's SSRC.
    public var ssrc: SSRC
    /// The negotiated payload type.
    public var payloadType: PayloadType
    /// The sequence number the next packet gets.
    public var nextSequenceNumber: UInt16
    /// The RTP timestamp the next packet gets.
    public var nextTimestamp: UInt32

    /// A packetizer starting at the given (normally random) sequence number and timestamp.
    public init(ssrc: SSRC, payloadType: PayloadType, initialSequenceNumber: UInt16, initialTimestamp: UInt32) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        nextSequenceNumber = initialSequenceNumber
        nextTimestamp = initialTimestamp
    }

    /// One RTP packet for `opus`, which lasts `samples` at 48 kHz (960 for 20 ms). The marker is set on the first
    /// packet after silence (discontinuous transmission) when `afterSilence` is true (RFC 3551 §4.1).
    public mutating func packetize(
        _ opus: ArraySlice<UInt8>, samples: UInt32, afterSilence: Bool = false
    ) -> RTPPacket {
        let packet = RTPPacket(
            marker: afterSilence, payloadType: payloadType, sequenceNumber: nextSequenceNumber,
            timestamp: nextTimestamp, ssrc: ssrc, payload: opus)
        nextSequenceNumber &+= 1
        nextTimestamp &+= samples
        return packet
    }
}
