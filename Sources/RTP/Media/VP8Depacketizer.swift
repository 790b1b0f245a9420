import Wire

/// Reassembles VP8 frames from packets that arrive in sequence order (RFC 7741 §4.4), for example out of a
/// jitter buffer or on a loss-free path. A frame is complete when it starts with S = 1 and PID = 0, its sequence
/// numbers are consecutive, all share one timestamp and the last carries the marker. Anything else is reported as
/// an incomplete frame, so the caller can ask for a keyframe.
public struct VP8Depacketizer: Sendable {
    /// A completed frame.
    public struct Frame: Sendable, Equatable {
        /// The RTP timestamp of its packets.
        public var timestamp: UInt32
        /// True when the VP8 payload header's P bit says keyframe (RFC 7741 §4.3).
        public var isKeyframe: Bool
        /// The VP8 bytes: payloads concatenated without descriptors.
        public var payload: [UInt8]
    }

    /// What one packet did: possibly completed a frame, possibly ended an earlier one as incomplete (both can
    /// happen when a one-packet frame follows a broken one).
    public struct Result: Sendable, Equatable {
        /// The frame this packet completed.
        public var frame: Frame?
        /// The timestamp of a frame that can no longer be completed.
        public var incompleteTimestamp: UInt32?
    }

    private var buffer: [UInt8] = []
    private var timestamp: UInt32?
    private var expectedSequence: UInt16 = 0
    private var isKeyframe = false

    /// An empty assembler.
    public init() {}

    /// Feeds the next packet in sequence order. A packet that does not continue the frame in progress ends it as
    /// `.incomplete`; a packet that starts a frame then begins a new one.
    public mutating func push(_ packet: RTPPacket) -> Result {
        var result = Result()
        guard let (descriptor, vp8) = try? VP8PayloadDescriptor.parse(packet.payload) else {
            result.incompleteTimestamp = abandon() ?? packet.timestamp
            return result
        }
        if descriptor.startsFrame {
            result.incompleteTimestamp = abandon()
            timestamp = packet.timestamp
            isKeyframe = vp8.first.map { $0 & 0x01 == 0 } ?? false
        } else if timestamp != packet.timestamp || packet.sequenceNumber != expectedSequence {
            // A middle packet without its start (or after a gap): this frame and the one in progress are lost.
            result.incompleteTimestamp = abandon() ?? packet.timestamp
            return result
        }
        buffer.append(contentsOf: vp8)
        expectedSequence = packet.sequenceNumber &+ 1
        if packet.marker, let done = timestamp {
            timestamp = nil
            result.frame = Frame(timestamp: done, isKeyframe: isKeyframe, payload: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        return result
    }

    /// Forgets the frame in progress; returns its timestamp if there was one.
    private mutating func abandon() -> UInt32? {
        let lost = timestamp
        timestamp = nil
        buffer.removeAll(keepingCapacity: true)
        return lost
    }
}
