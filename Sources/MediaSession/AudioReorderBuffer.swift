import RTP
import Wire

/// Puts an audio stream's packets back in sequence-number order before they reach the decoder, waiting a short,
/// measured time for a missing packet before declaring it lost. The Opus decoder then fills the gap: from the
/// in-band FEC copy that the next packet carries (RFC 6716 §2.1.7), else by concealment. A decoder fed in arrival
/// order would instead drop every overtaken packet as late.
///
/// Only a gap makes it wait, so a path that never reorders adds no delay. The wait follows how late reordered
/// packets have arrived (the largest of the last 32 gaps that were filled, plus a margin), between `minimumWait`
/// and `maximumWait`. Sans-IO: fed packets and the current time, it returns packets in order and its deadline.
struct AudioReorderBuffer {
    /// Bounds of the wait for a missing packet.
    static let minimumWait: Duration = .milliseconds(10)
    static let maximumWait: Duration = .milliseconds(80)
    /// Packets held at most; beyond that the oldest gap is given up at once.
    static let capacity = 64

    private var pending: [UInt16: RTPPacket] = [:]
    private var next: UInt16?
    private var gapSince: Instant?
    private var fills: [Duration] = []
    /// How long a gap is waited for now.
    private(set) var wait: Duration = .milliseconds(20)
    /// Packets that arrived out of order and were put back in place.
    private(set) var reordered = 0
    /// Packets that came after their gap was given up (or twice): dropped, their place already concealed.
    private(set) var late = 0
    /// Gaps given up on (the decoder conceals them).
    private(set) var gapsSkipped = 0

    /// Takes one packet; returns the packets now ready, in order.
    mutating func insert(_ packet: RTPPacket, now: Instant) -> [RTPPacket] {
        guard let expected = next else {
            next = packet.sequenceNumber &+ 1
            return [packet]
        }
        let offset = Int16(bitPattern: packet.sequenceNumber &- expected)
        if offset < 0 || pending[packet.sequenceNumber] != nil {
            late += 1
            return []
        }
        var ready: [RTPPacket] = []
        if offset == 0 {
            if let since = gapSince {
                // A gap filled: how late its packet was is what the wait must cover.
                reordered += 1
                fills.append(now - since)
                if fills.count > 32 { fills.removeFirst() }
                let longest = fills.max() ?? .zero
                wait = min(max(longest + longest / 4 + .milliseconds(5), Self.minimumWait), Self.maximumWait)
            }
            ready.append(packet)
            next = expected &+ 1
            releaseConsecutive(into: &ready)
            // What is still held waits behind a new gap, from now.
            gapSince = pending.isEmpty ? nil : now
        } else {
            pending[packet.sequenceNumber] = packet
            if pending.count > Self.capacity { skipGap(into: &ready) }
            gapSince = pending.isEmpty ? nil : (gapSince ?? now)
        }
        return ready
    }

    /// Gives up the gap that waited `wait`: the packets after it are released.
    mutating func handleTimeout(now: Instant) -> [RTPPacket] {
        var ready: [RTPPacket] = []
        while let due = nextDeadline(), due <= now {
            skipGap(into: &ready)
            gapSince = pending.isEmpty ? nil : now
        }
        return ready
    }

    /// When the current gap is given up.
    func nextDeadline() -> Instant? { gapSince.map { $0 + wait } }

    private mutating func releaseConsecutive(into ready: inout [RTPPacket]) {
        while let expected = next, let packet = pending.removeValue(forKey: expected) {
            ready.append(packet)
            next = expected &+ 1
        }
    }

    /// Moves `next` to the oldest packet held and releases from there.
    private mutating func skipGap(into ready: inout [RTPPacket]) {
        guard let expected = next,
              let oldest = pending.keys.min(by: { ($0 &- expected) < ($1 &- expected) }) else { return }
        gapsSkipped += 1
        next = oldest
        releaseConsecutive(into: &ready)
    }
}
