import Wire

/// The RTCP transmission interval of RFC 3550 §6.3.1 (with the §6.2 reduced minimum that RFC 4585 §3.4 lets
/// feedback profiles use): reports share 5% of the session bandwidth, senders a quarter of that, and each
/// interval is randomized to 0.5...1.5 times the deterministic one and divided by e − 3/2 to compensate for the
/// timer reconsideration this implementation does not do.
public struct RTCPInterval: Sendable, Equatable {
    /// The session bandwidth in bits per second (what the media takes).
    public var sessionBandwidth: Double
    /// The smallest deterministic interval. RFC 3550 §6.2 suggests 5 s, or 360 / kbit/s of session bandwidth as
    /// the reduced minimum; WebRTC implementations use 1 s for video and 5 s for audio.
    public var minimum: Duration
    /// The average compound RTCP packet size in octets, including UDP/IP overhead (RFC 3550 §6.3.3).
    public var averagePacketSize: Double

    /// An interval for a session of `sessionBandwidth` bit/s with `minimum` as floor.
    public init(sessionBandwidth: Double, minimum: Duration = .seconds(1), averagePacketSize: Double = 120) {
        self.sessionBandwidth = sessionBandwidth
        self.minimum = minimum
        self.averagePacketSize = averagePacketSize
    }

    /// The deterministic interval Td for `members` participants of which `senders` send, `weSent` telling
    /// whether this side is one of them (RFC 3550 §6.3.1 and Appendix A.7).
    public func deterministic(members: Int, senders: Int, weSent: Bool) -> Duration {
        let rtcpBandwidth = max(sessionBandwidth * 0.05 / 8, 1)  // octets per second
        var n = Double(max(members, 1))
        var bandwidth = rtcpBandwidth
        if senders > 0, Double(senders) <= Double(members) * 0.25 {
            if weSent {
                bandwidth *= 0.25
                n = Double(senders)
            } else {
                bandwidth *= 0.75
                n -= Double(senders)
            }
        }
        let seconds = max(minimum.seconds, n * averagePacketSize / bandwidth)
        return .nanoseconds(Int64(seconds * 1e9))
    }

    /// The randomized interval: Td × U(0.5, 1.5) / (e − 3/2).
    public func randomized(members: Int, senders: Int, weSent: Bool,
                           using generator: inout some RandomNumberGenerator) -> Duration {
        let td = deterministic(members: members, senders: senders, weSent: weSent).seconds
        let factor = Double.random(in: 0.5...1.5, using: &generator) / 1.21828
        return .nanoseconds(Int64(td * factor * 1e9))
    }

    /// Folds one sent or received compound packet's size into the average (RFC 3550 §6.3.3: weight 1/16), with
    /// 28 octets of UDP/IPv4 header.
    public mutating func packetSizeSeen(_ octets: Int) {
        averagePacketSize += (Double(octets + 28) - averagePacketSize) / 16
    }
}

extension Duration {
    /// The duration in seconds, as a double.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
