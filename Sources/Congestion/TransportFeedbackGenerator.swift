import RTP
import Wire

/// The receiver half of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01
/// §3.1): remembers when each transport-wide sequence number arrived and, on a deadline every `interval`, builds
/// the feedback packets that describe them.
///
/// Wrap-around is handled by unwrapping to 64 bits; duplicates keep their first arrival; a packet arriving after
/// feedback already called it lost is reported again (as received) in the next feedback when it is still within
/// `reorderWindow` packets, so the sender learns it was only late.
public struct TransportFeedbackGenerator: Sendable {
    /// SSRC written as the feedback's sender.
    public var senderSSRC: SSRC
    /// SSRC written as the media source (the draft leaves it unused; one of the remote sender's SSRCs is usual).
    public var mediaSSRC: SSRC
    /// Time between feedback packets; kept within 50–100 ms as the issue asks (the draft leaves it open).
    public private(set) var interval: Duration
    /// How far behind the newest packet a late arrival can still be re-reported.
    public var reorderWindow: Int64 = 512
    /// Most packets one feedback describes; more are split over several packets.
    public var maxPacketsPerFeedback = 1_000

    private var unwrapper = SequenceNumberUnwrapper()
    private var arrivals: [Int64: Instant] = [:]
    private var nextToReport: Int64?
    private var highest: Int64?
    private var lastFeedback: Instant?
    private var firstPending: Instant?
    private var feedbackCount: UInt8 = 0
    private var pending = OutputQueue<TransportFeedback>()

    /// Arrival time bounds for one feedback: signed 16-bit deltas of 250 µs (§3.1.5), with a margin for rounding.
    private static let maxDeltaMicroseconds: Int64 = 8_000_000
    /// One period of the 24-bit reference time in microseconds (§3.1: 2^24 units of 64 ms).
    private static let referencePeriodMicroseconds: Int64 = (1 << 24) * TransportFeedback.referenceTimeUnitMicroseconds

    /// A generator writing `senderSSRC` and `mediaSSRC` into its feedback, one batch every `interval`
    /// (clamped to 50...100 ms).
    public init(senderSSRC: SSRC, mediaSSRC: SSRC, interval: Duration = .milliseconds(50)) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.interval = min(max(interval, .milliseconds(50)), .milliseconds(100))
    }

    /// Count of feedback packets produced so far, modulo 256 (the draft's "feedback packet count").
    public var feedbackPacketCount: UInt8 { feedbackCount }

    /// Records that the packet numbered `sequenceNumber` (from its transport-wide sequence number extension,
    /// §2) arrived at `arrival`.
    public mutating func record(sequenceNumber: UInt16, arrival: Instant) {
        let sequence = Int64(unwrapper.unwrap(sequenceNumber).rawValue)
        guard arrivals[sequence] == nil else { return }  // a duplicate keeps its first arrival
        if let highest, sequence < highest - reorderWindow { return }  // too late to say anything useful
        arrivals[sequence] = arrival
        highest = max(highest ?? sequence, sequence)
        if let next = nextToReport {
            nextToReport = min(next, sequence)
        } else {
            nextToReport = sequence
        }
        if firstPending == nil { firstPending = arrival }
    }

    /// When feedback is next due: `interval` after the previous feedback (or after the first unreported
    /// arrival); nil while there is nothing to report.
    public func nextDeadline() -> Instant? {
        guard let firstPending, let next = nextToReport, let highest, next <= highest else { return nil }
        guard let lastFeedback else { return firstPending + interval }
        return max(lastFeedback + interval, firstPending)
    }

    /// Builds the due feedback when the deadline has passed; collect it with `pollFeedback()`.
    public mutating func handleTimeout(now: Instant) {
        guard let deadline = nextDeadline(), deadline <= now else { return }
        flush(now: now)
    }

    /// Builds feedback for everything not yet reported, whatever the deadline (for example, to piggyback on an
    /// RTCP compound about to be sent).
    public mutating func flush(now: Instant) {
        guard var start = nextToReport, let highest else { return }
        while start <= highest {
            guard let (feedback, next) = makeFeedback(from: start, through: highest) else { break }
            pending.append(feedback)
            feedbackCount &+= 1
            start = next
        }
        nextToReport = highest + 1
        lastFeedback = now
        firstPending = nil
        arrivals = arrivals.filter { $0.key > highest - reorderWindow }
    }

    /// The next feedback packet to send, oldest first; nil when none is waiting.
    public mutating func pollFeedback() -> TransportFeedback? { pending.next() }

    /// One feedback packet from `start` on, ending early where a delta would not fit; returns it with the first
    /// sequence number it did not cover.
    private func makeFeedback(from start: Int64, through end: Int64) -> (TransportFeedback, Int64)? {
        // The reference time comes from the first received packet; losses before it are still described.
        var firstReceived = start
        while firstReceived < end, arrivals[firstReceived] == nil { firstReceived += 1 }
        guard let firstArrival = arrivals[firstReceived] else { return nil }
        // A gap longer than one feedback can describe (a sender that jumped ahead) is skipped, not reported.
        let base = firstReceived - start >= maxPacketsPerFeedback ? firstReceived : start
        let firstMicros = firstArrival.nanoseconds / 1_000
        // Move into the signed range of the 24-bit reference time; the sender unwraps it.
        let half = Self.referencePeriodMicroseconds / 2
        let shifted = firstMicros + half
        let periods = shifted >= 0 ? shifted / Self.referencePeriodMicroseconds
            : (shifted - Self.referencePeriodMicroseconds + 1) / Self.referencePeriodMicroseconds
        let shift = periods * Self.referencePeriodMicroseconds
        var times: [Int64?] = []
        var previous = firstMicros - shift
        var sequence = base
        while sequence <= end, times.count < maxPacketsPerFeedback {
            if let arrival = arrivals[sequence] {
                let micros = arrival.nanoseconds / 1_000 - shift
                if abs(micros - previous) > Self.maxDeltaMicroseconds { break }
                previous = micros
                times.append(micros)
            } else {
                times.append(nil)
            }
            sequence += 1
        }
        // Trailing losses are reported by the next feedback, once a later packet shows they are gaps.
        while let last = times.last, last == nil {
            times.removeLast()
            sequence -= 1
        }
        guard let feedback = TransportFeedback(
            senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, feedbackPacketCount: feedbackCount,
            baseSequenceNumber: UInt16(truncatingIfNeeded: base), arrivalTimesMicroseconds: times),
            sequence > base
        else { return nil }
        return (feedback, sequence)
    }
}
