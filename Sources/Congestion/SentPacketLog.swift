import RTP
import Wire

/// The sender half of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3):
/// hands out transport-wide sequence numbers, remembers each packet's send time, size and kind, and turns a
/// received `TransportFeedback` into per-packet results (send time, arrival time or lost).
///
/// Sequence numbers are kept unwrapped (64-bit) here; feedback's 16-bit numbers are placed next to the newest
/// packet sent, and its 24-bit reference time is unwrapped against the previous feedback's, so neither wrap
/// disturbs the estimators.
public struct SentPacketLog: Sendable {
    private var packets: [Int64: SentPacket] = [:]
    /// What feedback said so far: true once received, false while only reported lost.
    private var reported: [Int64: Bool] = [:]
    private var nextSequence: Int64
    private var lastReferenceTime: Int64?
    private var lastFeedbackCount: UInt8?
    /// How long a packet is remembered; feedback about an older one is ignored.
    public var retention: Duration = .seconds(5)
    /// Feedback packets that never arrived, judged from gaps in the feedback packet count (§3.1).
    public private(set) var missedFeedbackPackets = 0

    /// A log whose first packet gets the transport-wide sequence number `firstSequenceNumber`.
    public init(firstSequenceNumber: UInt16 = 0) {
        nextSequence = Int64(firstSequenceNumber)
    }

    /// Records a packet leaving the pacer at `now` and returns the 16-bit transport-wide sequence number to write
    /// into its header extension (§2).
    public mutating func recordSent(size: Int, kind: PacketKind, probeClusterID: Int? = nil, now: Instant) -> UInt16 {
        let sequence = nextSequence
        nextSequence += 1
        packets[sequence] = SentPacket(sequenceNumber: sequence, sendTime: now, size: max(size, 0), kind: kind,
                                       probeClusterID: probeClusterID)
        if sequence % 256 == 0 { prune(now: now) }
        return UInt16(truncatingIfNeeded: sequence)
    }

    /// The packet sent with this unwrapped number, if still remembered.
    public func packet(_ sequenceNumber: Int64) -> SentPacket? { packets[sequenceNumber] }

    /// Bytes sent but neither acknowledged nor reported lost yet.
    public var bytesInFlight: Int {
        packets.values.reduce(0) { $0 + (reported[$1.sequenceNumber] == nil ? $1.size : 0) }
    }

    /// Results for the packets `feedback` describes that this log remembers, in sequence order. A packet already
    /// acknowledged by earlier feedback is left out, and so is a repeated report of a loss; a late arrival of a packet
    /// reported lost is included once more, as received.
    public mutating func handle(_ feedback: TransportFeedback) -> [PacketResult] {
        noteFeedbackCount(feedback.feedbackPacketCount)
        let reference = unwrapReferenceTime(feedback.referenceTime)
        let base = unwrap(feedback.baseSequenceNumber)
        var results: [PacketResult] = []
        results.reserveCapacity(Int(feedback.packetStatusCount))
        var time = reference * TransportFeedback.referenceTimeUnitMicroseconds
        for (offset, packet) in feedback.packets.enumerated() {
            let sequence = base + Int64(offset)
            var arrival: Instant?
            if packet.status.isReceived {
                time += Int64(packet.delta) * TransportFeedback.deltaTickMicroseconds
                arrival = Instant(nanoseconds: time * 1_000)
            }
            guard let sent = packets[sequence] else { continue }
            let previously = reported[sequence]
            switch (previously, arrival != nil) {
            case (true?, _), (false?, false): continue  // nothing new about it
            default: reported[sequence] = arrival != nil
            }
            results.append(PacketResult(sent: sent, arrival: arrival, wasReportedLost: previously == false))
        }
        return results
    }

    /// The unwrapped number whose low 16 bits are `wire`, nearest the newest packet sent.
    private func unwrap(_ wire: UInt16) -> Int64 {
        let newest = nextSequence - 1
        let delta = Int64(Int16(bitPattern: wire &- UInt16(truncatingIfNeeded: newest)))
        return newest + delta
    }

    /// The 24-bit reference time (§3.1) extended past its wrap, in 64 ms units.
    private mutating func unwrapReferenceTime(_ raw: Int32) -> Int64 {
        let period: Int64 = 1 << 24
        let value = (Int64(raw) % period + period) % period
        guard let last = lastReferenceTime else {
            lastReferenceTime = Int64(raw)
            return Int64(raw)
        }
        var delta = (value - last) % period
        if delta < 0 { delta += period }
        if delta >= period / 2 { delta -= period }
        lastReferenceTime = last + delta
        return last + delta
    }

    private mutating func noteFeedbackCount(_ count: UInt8) {
        if let last = lastFeedbackCount {
            let gap = Int(count &- last)
            if gap > 1, gap < 128 { missedFeedbackPackets += gap - 1 }
        }
        lastFeedbackCount = count
    }

    private mutating func prune(now: Instant) {
        let cutoff = now - retention
        let old = packets.values.filter { $0.sendTime < cutoff }.map(\.sequenceNumber)
        for sequence in old {
            packets[sequence] = nil
            reported[sequence] = nil
        }
    }
}
