import Wire

/// Finds missing RTP packets of one stream and asks for them with Generic NACKs (RFC 4585 §6.2.1).
///
/// A new gap is requested at once; an unanswered request is repeated every `retryInterval` (about one RTT) up to
/// `maxRetries` times. A sequence number is forgotten when it arrives, when it is older than `maxAge`, or when it
/// falls more than `maxPacketsBehind` behind the newest packet.
public struct NackGenerator: Sendable {
    private struct Missing: Sendable {
        var firstSeen: Instant
        var lastSent: Instant?
        var sentCount: Int
    }

    /// Our SSRC, written as the NACK's packet sender.
    public var senderSSRC: SSRC
    /// The SSRC of the stream whose packets are missing.
    public var mediaSSRC: SSRC
    /// Time between two requests for the same packet; set it to the measured RTT.
    public var retryInterval: Duration = .milliseconds(100)
    /// Requests per packet at most.
    public var maxRetries = 10
    /// A packet missing longer than this is given up.
    public var maxAge: Duration = .milliseconds(1000)
    /// A packet this far behind the newest is given up.
    public var maxPacketsBehind: UInt64 = 1000
    private var unwrapper = SequenceNumberUnwrapper()
    private var highest: UInt64?
    private var missing: [UInt64: Missing] = [:]
    private var scratch: [UInt16] = []

    /// A generator for `mediaSSRC`'s packets, sending as `senderSSRC`.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    /// Sequence numbers currently considered missing, oldest first.
    public var missingSequenceNumbers: [UInt16] {
        missing.keys.sorted().map { UInt16(truncatingIfNeeded: $0) }
    }

    /// Notes a received packet (retransmissions after RTX unwrapping included).
    public mutating func packetReceived(sequenceNumber: UInt16, now: Instant) {
        let seq = unwrapper.unwrap(sequenceNumber).rawValue
        guard let top = highest else {
            highest = seq
            return
        }
        if seq > top {
            // Everything strictly between the old highest and this one is missing; cap huge jumps.
            let from = max(top + 1, seq > maxPacketsBehind ? seq - maxPacketsBehind : 0)
            var gap = from
            while gap < seq {
                missing[gap] = Missing(firstSeen: now, lastSent: nil, sentCount: 0)
                gap += 1
            }
            highest = seq
            dropTooOld(now: now)
        } else {
            missing[seq] = nil
        }
    }

    /// A NACK for every missing packet that is due now, or nil.
    public mutating func pollNack(now: Instant) -> GenericNack? {
        dropTooOld(now: now)
        scratch.removeAll(keepingCapacity: true)
        for seq in missing.keys.sorted() {
            guard var entry = missing[seq] else { continue }
            if let sent = entry.lastSent, now < sent + retryInterval { continue }
            entry.lastSent = now
            entry.sentCount += 1
            missing[seq] = entry.sentCount >= maxRetries ? nil : entry
            // Keep the entry until its last retry has had its interval; remove exhausted ones right away.
            scratch.append(UInt16(truncatingIfNeeded: seq))
        }
        guard !scratch.isEmpty else { return nil }
        return GenericNack(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, lost: scratch)
    }

    /// When the next request (or expiry) is due.
    public func nextDeadline() -> Instant? {
        var deadline: Instant?
        for entry in missing.values {
            let due = entry.lastSent.map { $0 + retryInterval } ?? entry.firstSeen
            deadline = deadline.map { min($0, due) } ?? due
        }
        return deadline
    }

    private mutating func dropTooOld(now: Instant) {
        guard let top = highest else { return }
        let isLive = { (seq: UInt64, entry: Missing) in
            top - seq <= self.maxPacketsBehind && now - entry.firstSeen <= self.maxAge
        }
        // Only rebuild the table when something expired: this runs per packet.
        guard !missing.allSatisfy(isLive) else { return }
        missing = missing.filter(isLive)
    }
}
