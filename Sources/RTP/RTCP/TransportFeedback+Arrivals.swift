import Wire

/// Conversions between transport-wide feedback and absolute arrival times, which is what a congestion
/// controller works with (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.5).
extension TransportFeedback {
    /// Length of one receive delta tick.
    public static let deltaTickMicroseconds: Int64 = 250
    /// Length of one reference time unit.
    public static let referenceTimeUnitMicroseconds: Int64 = 64_000

    /// Arrival time of every described packet, in microseconds of the receiver's clock, nil when not received.
    /// The first received packet's time is the reference time plus its delta; each later one adds its delta.
    public var arrivalTimesMicroseconds: [Int64?] {
        var time = referenceTimeMicroseconds
        return packets.map { result in
            guard result.status.isReceived else { return nil }
            time += Int64(result.delta) * Self.deltaTickMicroseconds
            return time
        }
    }

    /// Feedback for consecutive sequence numbers from `baseSequenceNumber`, one arrival time (microseconds, nil for
    /// not received) each. The reference time is the first arrival rounded down to 64 ms; deltas are rounded to
    /// 250 µs ticks measured from the previous rounded time, so rounding errors do not add up. Nil when a gap
    /// between arrivals does not fit a signed 16-bit delta (about ±8 s); the caller then starts a new packet.
    public init?(
        senderSSRC: SSRC, mediaSSRC: SSRC, feedbackPacketCount: UInt8, baseSequenceNumber: UInt16,
        arrivalTimesMicroseconds arrivals: [Int64?]
    ) {
        let first = arrivals.lazy.compactMap { $0 }.first ?? 0
        let referenceUnits = first >= 0 ? first / Self.referenceTimeUnitMicroseconds
            : (first - Self.referenceTimeUnitMicroseconds + 1) / Self.referenceTimeUnitMicroseconds
        guard (-(1 << 23)...((1 << 23) - 1)).contains(referenceUnits) else { return nil }
        var previous = referenceUnits * Self.referenceTimeUnitMicroseconds
        var results: [PacketResult] = []
        results.reserveCapacity(arrivals.count)
        for (index, arrival) in arrivals.enumerated() {
            let sequence = baseSequenceNumber &+ UInt16(truncatingIfNeeded: index)
            guard let arrival else {
                results.append(.lost(sequence))
                continue
            }
            let offset = arrival - previous
            // Round to the nearest tick, halves away from zero.
            let ticks = (offset + (offset >= 0 ? 1 : -1) * Self.deltaTickMicroseconds / 2) / Self.deltaTickMicroseconds
            guard let delta = Int16(exactly: ticks) else { return nil }
            previous += ticks * Self.deltaTickMicroseconds
            results.append(.received(sequence, delta: delta))
        }
        self.init(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, referenceTime: Int32(referenceUnits),
                  feedbackPacketCount: feedbackPacketCount, packets: results)
        self.baseSequenceNumber = baseSequenceNumber  // the packet-list initializer cannot know it when empty
    }
}
