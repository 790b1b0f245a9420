import Wire

/// What a sender counts for its sender reports (RFC 3550 §6.4.1): packets and payload octets, and the RTP time
/// that corresponds to "now" for the SR's NTP/RTP timestamp pair.
public struct SenderStatistics: Sendable {
    /// Our stream's SSRC.
    public let ssrc: SSRC
    /// The stream's RTP clock rate in Hz.
    public let clockRate: UInt32
    /// RTP packets sent (retransmissions on the RTX stream excluded).
    public private(set) var packetCount: UInt32 = 0
    /// Payload octets sent (headers and padding excluded).
    public private(set) var octetCount: UInt32 = 0
    private var lastTimestamp: UInt32?
    private var lastCapture: Instant = .zero

    /// Statistics for `ssrc` with an RTP clock of `clockRate` Hz.
    public init(ssrc: SSRC, clockRate: UInt32) {
        self.ssrc = ssrc
        self.clockRate = clockRate
    }

    /// Notes a sent packet whose media was captured at `captureTime` (the instant its RTP timestamp stands for).
    public mutating func packetSent(_ packet: RTPPacket, captureTime: Instant) {
        packetCount &+= 1
        octetCount &+= UInt32(truncatingIfNeeded: packet.payload.count)
        lastTimestamp = packet.timestamp
        lastCapture = captureTime
    }

    /// True once a packet was sent: RFC 3550 §6.4 sends SRs only then.
    public var hasSent: Bool { lastTimestamp != nil }

    /// The RTP timestamp that corresponds to `now`: the last packet's, advanced by the time since its capture.
    public func rtpTimestamp(at now: Instant) -> UInt32 {
        guard let lastTimestamp else { return 0 }
        let units = ReceiverStatistics.rtpUnits((now - lastCapture).wholeNanoseconds, clockRate: clockRate)
        return lastTimestamp &+ UInt32(truncatingIfNeeded: units)
    }

    /// A sender report for `now`, with `clock` giving the wall-clock time and `reports` the reception blocks.
    public func makeSenderReport(now: Instant, clock: NTPClock, reports: [ReportBlock] = []) -> SenderReport {
        SenderReport(
            ssrc: ssrc, ntpTimestamp: clock.ntp(at: now), rtpTimestamp: rtpTimestamp(at: now),
            packetCount: packetCount, octetCount: octetCount, reports: reports)
    }
}
