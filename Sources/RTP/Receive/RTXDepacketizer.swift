import Wire

/// Unwraps RTX retransmissions (RFC 4588 §4) back into the original packets.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         RTP Header                            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            OSN                |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
/// |                  Original RTP Packet Payload                  |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct RTXDepacketizer: Sendable {
    /// The media stream's SSRC the originals carry.
    public var originalSSRC: SSRC
    /// The media payload type (the RTX payload type's `apt`).
    public var originalPayloadType: PayloadType

    /// An unwrapper restoring `originalSSRC` and `originalPayloadType`.
    public init(originalSSRC: SSRC, originalPayloadType: PayloadType) {
        self.originalSSRC = originalSSRC
        self.originalPayloadType = originalPayloadType
    }

    /// The original packet inside `rtx`: OSN as sequence number, original SSRC and payload type. Nil for an RTX
    /// packet without payload (padding-only probes, RFC 4588 §4 allows them); never traps.
    public func unwrap(_ rtx: RTPPacket) -> RTPPacket? {
        let payload = rtx.payload
        guard payload.count >= 2 else { return nil }
        let start = payload.startIndex
        let osn = UInt16(payload[start]) << 8 | UInt16(payload[start + 1])
        return RTPPacket(
            marker: rtx.marker, payloadType: originalPayloadType, sequenceNumber: osn, timestamp: rtx.timestamp,
            ssrc: originalSSRC, csrcs: rtx.csrcs, extensions: rtx.extensions, payload: payload.dropFirst(2))
    }
}
