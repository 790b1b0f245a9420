import Wire

/// Maps a stream's RTP timestamps to the sender's NTP wall clock using the last sender report's NTP/RTP pair
/// (RFC 3550 §6.4.1), which lets audio and video from one sender be played in sync.
public struct RTPTimeMapper: Sendable {
    /// The stream's RTP clock rate in Hz.
    public let clockRate: UInt32
    private var reference: (ntp: UInt64, rtp: UInt32)?

    /// A mapper for a stream with an RTP clock of `clockRate` Hz.
    public init(clockRate: UInt32) { self.clockRate = clockRate }

    /// True once a sender report was seen.
    public var isSynchronized: Bool { reference != nil }

    /// Takes the NTP/RTP pair of a sender report of the stream.
    public mutating func update(with report: SenderReport) {
        update(ntpTimestamp: report.ntpTimestamp, rtpTimestamp: report.rtpTimestamp)
    }

    /// Takes an NTP/RTP timestamp pair.
    public mutating func update(ntpTimestamp: UInt64, rtpTimestamp: UInt32) {
        reference = (ntpTimestamp, rtpTimestamp)
    }

    /// The sender's NTP time of `rtpTimestamp`, or nil before the first sender report. Timestamps up to half the
    /// 32-bit space before or after the reference are handled across wrap-around.
    public func ntpTimestamp(forRTP rtpTimestamp: UInt32) -> UInt64? {
        guard let reference, clockRate > 0 else { return nil }
        let units = Int64(Int32(bitPattern: rtpTimestamp &- reference.rtp))
        // units / clockRate seconds as 32.32 fixed point.
        let seconds = units / Int64(clockRate)
        let rest = units % Int64(clockRate)
        let fixed = (seconds << 32) + (rest << 32) / Int64(clockRate)
        return UInt64(bitPattern: Int64(bitPattern: reference.ntp) &+ fixed)
    }
}
