import Wire

/// Reception statistics of one incoming RTP stream (RFC 3550 Appendix A.3 and A.8), from which a report block
/// (RFC 3550 §6.4.1) is built.
public struct ReceiverStatistics: Sendable {
    /// The stream's SSRC.
    public let ssrc: SSRC
    /// The stream's RTP clock rate in Hz (jitter is measured in its units).
    public let clockRate: UInt32
    private var unwrapper = SequenceNumberUnwrapper()
    private var baseSequence: UInt64?
    private var maxSequence: UInt64 = 0
    /// Packets received, duplicates and retransmissions included (as RFC 3550 A.3 counts them).
    public private(set) var packetsReceived: UInt64 = 0
    private var expectedPrior: UInt64 = 0
    private var receivedPrior: UInt64 = 0
    private var lastTransit: Int64?
    /// Interarrival jitter scaled by 16 (RFC 3550 A.8 keeps the extra precision this way).
    private var jitterScaled: UInt64 = 0
    private var lastSenderReport: UInt32 = 0
    private var lastSenderReportArrival: Instant?

    /// Statistics for `ssrc` with an RTP clock of `clockRate` Hz.
    public init(ssrc: SSRC, clockRate: UInt32) {
        self.ssrc = ssrc
        self.clockRate = clockRate
    }

    /// The highest extended sequence number in the report's form (cycles counted from zero).
    public var extendedHighestSequenceNumber: UInt32 {
        UInt32(truncatingIfNeeded: maxSequence &- (1 << 16))
    }

    /// Packets expected from the first to the highest sequence number.
    public var packetsExpected: UInt64 {
        guard let baseSequence else { return 0 }
        return maxSequence - baseSequence + 1
    }

    /// Cumulative packets lost: expected minus received; negative with duplicates (RFC 3550 §6.4.1).
    public var cumulativeLost: Int64 { Int64(packetsExpected) - Int64(packetsReceived) }

    /// Interarrival jitter in RTP timestamp units.
    public var jitter: UInt32 { UInt32(truncatingIfNeeded: jitterScaled >> 4) }

    /// Notes a received packet (the original after RTX unwrapping should not be counted for jitter; pass
    /// `forJitter: false` for retransmissions).
    public mutating func packetReceived(
        sequenceNumber: UInt16, rtpTimestamp: UInt32, arrival: Instant, forJitter: Bool = true
    ) {
        let seq = unwrapper.unwrap(sequenceNumber).rawValue
        packetsReceived += 1
        if let base = baseSequence {
            if seq > maxSequence { maxSequence = seq }
            if seq < base { baseSequence = seq }
        } else {
            baseSequence = seq
            maxSequence = seq
        }
        guard forJitter else { return }
        // A.8: transit = arrival (in RTP units) - RTP timestamp; only differences matter, so wrap freely.
        let arrivalUnits = Self.rtpUnits(arrival.nanoseconds, clockRate: clockRate)
        let transit = Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: arrivalUnits) &- rtpTimestamp))
        if let lastTransit {
            let d = UInt64(Int64(Int32(truncatingIfNeeded: transit &- lastTransit)).magnitude)
            jitterScaled = jitterScaled + d - ((jitterScaled + 8) >> 4)
        }
        lastTransit = transit
    }

    /// Notes a sender report of this stream: its NTP time is echoed as LSR, its arrival gives DLSR.
    public mutating func senderReportReceived(ntpTimestamp: UInt64, now: Instant) {
        lastSenderReport = UInt32(truncatingIfNeeded: ntpTimestamp >> 16)
        lastSenderReportArrival = now
    }

    /// The report block for `now`; it also starts the next interval for the fraction lost (RFC 3550 A.3).
    public mutating func makeReportBlock(now: Instant) -> ReportBlock {
        let expected = packetsExpected
        let expectedInterval = Int64(expected) - Int64(expectedPrior)
        let receivedInterval = Int64(packetsReceived) - Int64(receivedPrior)
        expectedPrior = expected
        receivedPrior = packetsReceived
        let lostInterval = expectedInterval - receivedInterval
        let fraction: UInt8 = expectedInterval == 0 || lostInterval <= 0
            ? 0 : UInt8(clamping: (lostInterval << 8) / expectedInterval)
        let dlsr = lastSenderReportArrival.map { NTPClock.compact(now - $0) } ?? 0
        return ReportBlock(
            ssrc: ssrc, fractionLost: fraction,
            cumulativeLost: Int32(clamping: cumulativeLost),
            extendedHighestSequenceNumber: extendedHighestSequenceNumber, jitter: jitter,
            lastSenderReport: lastSenderReport, delaySinceLastSenderReport: dlsr)
    }

    /// `nanoseconds` in units of a `clockRate` Hz clock, without overflow for any realistic time.
    static func rtpUnits(_ nanoseconds: Int64, clockRate: UInt32) -> Int64 {
        let seconds = nanoseconds / 1_000_000_000
        let rest = nanoseconds % 1_000_000_000
        return seconds &* Int64(clockRate) &+ rest * Int64(clockRate) / 1_000_000_000
    }
}
