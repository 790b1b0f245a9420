import RTP
import Wire

/// A receive-side estimate for peers that send no transport-wide feedback: the delay-based controller of
/// draft-ietf-rmcat-gcc-02 §5 run on the receiver, from each packet's send time (its abs-send-time extension) and
/// arrival, reported to the sender in REMB messages (§3, draft-alvestrand-rmcat-remb).
///
/// A REMB is due every `interval`, and at once when the estimate drops by more than 3% since the last one.
public struct RembEstimator: Sendable {
    /// Time between regular REMB messages.
    public var interval: Duration = .seconds(1)
    private var delay: DelayBasedEstimator
    private var incoming = AckedBitrateEstimator(window: .seconds(1))
    private var sendTimeUnwrapper = AbsoluteSendTimeUnwrapper()
    private var lastRemb: (time: Instant, bitrate: Int)?
    private var lastUpdate: Instant?
    private var due: Int?

    /// An estimator starting at `startBitrate` within `minBitrate...maxBitrate`.
    public init(startBitrate: Int = 300_000, minBitrate: Int = 30_000, maxBitrate: Int = 10_000_000) {
        delay = DelayBasedEstimator(startBitrate: startBitrate, minBitrate: minBitrate, maxBitrate: maxBitrate)
    }

    /// The current estimate, bit/s.
    public var estimate: Int { delay.estimate }
    /// The measured incoming rate, bit/s.
    public var incomingBitrate: Int? { incoming.bitrate }

    /// Records a packet whose 24-bit abs-send-time extension (6.18 fixed-point seconds) was `absoluteSendTime`.
    public mutating func record(absoluteSendTime: UInt32, arrival: Instant, size: Int) {
        record(sendTime: sendTimeUnwrapper.unwrap(absoluteSendTime), arrival: arrival, size: size)
    }

    /// Records a packet sent at `sendTime` (sender's clock) that arrived at `arrival`.
    public mutating func record(sendTime: Instant, arrival: Instant, size: Int) {
        incoming.add(arrival: arrival, size: size)
        guard delay.add(sendTime: sendTime, arrival: arrival, size: size) else { return }
        // Rate updates follow the groups, at most every 25 ms.
        if let last = lastUpdate, arrival - last < .milliseconds(25), delay.usage != .overusing { return }
        lastUpdate = arrival
        let estimate = delay.updateRate(ackedBitrate: incoming.bitrate, now: arrival)
        if let last = lastRemb, Double(estimate) < 0.97 * Double(last.bitrate) { due = estimate }
    }

    /// Sets the round-trip time the rate controller's additive increase uses.
    public mutating func setRTT(_ rtt: Duration) { delay.rateController.rtt = rtt }

    /// When a REMB is next due; nil before any packet arrived.
    public func nextDeadline() -> Instant? {
        guard let lastUpdate else { return nil }
        if due != nil { return lastUpdate }
        guard let last = lastRemb else { return lastUpdate }
        return last.time + interval
    }

    /// The bitrate to send in a REMB now, if one is due at `now`.
    public mutating func pollRemb(now: Instant) -> Int? {
        guard let deadline = nextDeadline(), deadline <= now else { return nil }
        let bitrate = due ?? delay.estimate
        due = nil
        lastRemb = (now, bitrate)
        return bitrate
    }

    /// A REMB packet for `bitrate` about `ssrcs` (RTCP payload-specific feedback, draft-alvestrand-rmcat-remb §2).
    public static func makeRemb(senderSSRC: SSRC, bitrate: Int, ssrcs: [SSRC]) -> ReceiverEstimatedMaxBitrate {
        ReceiverEstimatedMaxBitrate(senderSSRC: senderSSRC, bitrate: UInt64(max(bitrate, 0)), ssrcs: ssrcs)
    }
}

/// Extends the 24-bit abs-send-time (6.18 fixed-point seconds, wrapping every 64 s) to an `Instant` on the
/// sender's clock.
public struct AbsoluteSendTimeUnwrapper: Sendable {
    private var last: UInt32?
    private var total: Int64 = 0

    /// A fresh unwrapper.
    public init() {}

    /// The send time for a raw 24-bit value (upper bits ignored).
    public mutating func unwrap(_ raw: UInt32) -> Instant {
        let value = raw & 0xFF_FFFF
        if let last {
            var delta = Int64(value) - Int64(last)
            if delta > 1 << 23 { delta -= 1 << 24 }
            if delta < -(1 << 23) { delta += 1 << 24 }
            total += delta
        } else {
            total = Int64(value)
        }
        last = value
        // 2^18 units per second.
        return Instant(nanoseconds: (total * 1_953_125) >> 9)  // 10^9 / 2^18 = 1953125 / 2^9
    }
}
