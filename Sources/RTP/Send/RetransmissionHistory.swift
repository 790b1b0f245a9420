import Wire

/// The sender's memory of recently sent RTP packets (before SRTP), which answers Generic NACKs (RFC 4585 §6.2.1),
/// optionally wrapping resends as RTX (RFC 4588 §4).
public struct RetransmissionHistory: Sendable {
    /// RTX parameters negotiated for the stream.
    public struct RTX: Sendable, Equatable {
        /// The retransmission stream's SSRC.
        public var ssrc: SSRC
        /// The RTX payload type (its `apt` points at the media payload type).
        public var payloadType: PayloadType
        /// The RTX stream's own next sequence number.
        public var nextSequenceNumber: UInt16
        /// RTX parameters.
        public init(ssrc: SSRC, payloadType: PayloadType, initialSequenceNumber: UInt16 = 0) {
            self.ssrc = ssrc
            self.payloadType = payloadType
            nextSequenceNumber = initialSequenceNumber
        }
    }

    /// One slot: the packet as encoded bytes in storage the slot keeps and reuses, so remembering a packet copies
    /// it without allocating (once the slot has grown to the stream's packet size) and holds no reference to the
    /// sender's buffers, which can then be reused in place.
    private struct Entry: Sendable {
        var sequence: UInt64 = .max
        var bytes: [UInt8] = []
        var lastResent: Instant?

        /// The stored packet, parsed again (its payload shares the slot's storage).
        var packet: RTPPacket? { sequence == .max ? nil : try? RTPPacket(parsing: bytes[...]) }
    }

    /// When set, resends go out as RTX packets.
    public var rtx: RTX?
    /// A packet is not resent again sooner than this (a NACK repeated before our resend could arrive).
    public var minResendInterval: Duration = .milliseconds(10)
    /// Resend budget in bytes per second; zero means unlimited.
    public var maxResendBytesPerSecond = 250_000
    private var entries: [Entry]
    private var unwrapper = SequenceNumberUnwrapper()
    private var budget: Double = 0
    private var budgetTime: Instant?

    /// A history of the last `capacity` packets.
    public init(capacity: Int = 600, rtx: RTX? = nil) {
        entries = Array(repeating: Entry(), count: max(capacity, 1))
        self.rtx = rtx
    }

    /// Remembers a packet just sent.
    public mutating func packetSent(_ packet: RTPPacket) {
        let seq = packet.extendedSequenceNumber(using: &unwrapper).rawValue
        let position = Int(seq % UInt64(entries.count))
        var storage: [UInt8] = []
        swap(&storage, &entries[position].bytes)
        // `consume`: the writer must hold the slot's memory alone, or clearing it would copy.
        var writer = ByteWriter(reusing: consume storage, capacity: packet.encodedSize)
        packet.encode(into: &writer)
        entries[position] = Entry(sequence: seq, bytes: writer.takeBytes(), lastResent: nil)
    }

    /// The stored packet with this sequence number, if still remembered.
    public func packet(sequenceNumber: UInt16) -> RTPPacket? {
        guard let top = unwrapper.highestSeen?.rawValue else { return nil }
        let delta = UInt64(UInt16(truncatingIfNeeded: top) &- sequenceNumber)
        guard delta <= top else { return nil }
        let seq = top - delta
        let entry = entries[Int(seq % UInt64(entries.count))]
        return entry.sequence == seq ? entry.packet : nil
    }

    /// The packets to resend for `nack`, RTX-wrapped when RTX is set, within the rate limit.
    public mutating func handle(_ nack: GenericNack, now: Instant) -> [RTPPacket] {
        refillBudget(now: now)
        var resends: [RTPPacket] = []
        guard let top = unwrapper.highestSeen?.rawValue else { return resends }
        for pair in nack.pairs {
            for wire in pair.lostSequenceNumbers {
                let delta = UInt64(UInt16(truncatingIfNeeded: top) &- wire)
                guard delta <= top else { continue }
                let seq = top - delta
                let position = Int(seq % UInt64(entries.count))
                guard entries[position].sequence == seq, let original = entries[position].packet else { continue }
                if let last = entries[position].lastResent, now < last + minResendInterval { continue }
                let size = Double(original.encodedSize + (rtx == nil ? 0 : 2))
                if maxResendBytesPerSecond > 0 {
                    guard budget >= size else { continue }
                    budget -= size
                }
                entries[position].lastResent = now
                resends.append(wrap(original))
            }
        }
        return resends
    }

    /// `original` as it goes out again: itself, or an RTX packet (RFC 4588 §4) whose payload is the original
    /// sequence number followed by the original payload.
    public mutating func wrap(_ original: RTPPacket) -> RTPPacket {
        guard var rtx else { return original }
        var writer = ByteWriter(capacity: original.payload.count + 2)
        writer.write(original.sequenceNumber)
        writer.write(bytes: original.payload)
        let packet = RTPPacket(
            marker: original.marker, payloadType: rtx.payloadType, sequenceNumber: rtx.nextSequenceNumber,
            timestamp: original.timestamp, ssrc: rtx.ssrc, csrcs: original.csrcs, extensions: original.extensions,
            payload: writer.bytes[...])
        rtx.nextSequenceNumber &+= 1
        self.rtx = rtx
        return packet
    }

    private mutating func refillBudget(now: Instant) {
        let cap = Double(maxResendBytesPerSecond) / 4 + 1500
        if let budgetTime {
            let elapsed = max(0, (now - budgetTime).milliseconds / 1000)
            budget = min(cap, budget + elapsed * Double(maxResendBytesPerSecond))
        } else {
            budget = cap
        }
        budgetTime = now
    }
}
