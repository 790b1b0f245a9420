import Wire

/// Orders received RTP packets of one stream, assembles complete frames and releases them in order.
///
/// Packets are keyed by extended sequence number. A frame is complete when its packets are consecutive, the first
/// starts the frame and the last carries the marker (VP8, RFC 7741 §4.4), or, for audio, when its single packet is
/// there. A missing packet is waited for at most `maxWait`; then the stuck frame is skipped and reported as
/// `.frameDropped`. For video a drop also reports `.keyframeNeeded` once, and the following delta frames are
/// withheld (reported as `.frameDropped` too) until a keyframe is released: a decoder cannot use them.
public struct JitterBuffer: Sendable {
    /// How packets form frames.
    public enum Codec: Sendable, Equatable {
        /// One packet per frame, no keyframes (Opus).
        case audio
        /// VP8 payloads with RFC 7741 descriptors.
        case vp8
    }

    /// One assembled frame.
    public struct Frame: Sendable, Equatable {
        /// The RTP timestamp shared by its packets.
        public var timestamp: UInt32
        /// True for VP8 keyframes (always true for audio).
        public var isKeyframe: Bool
        /// The codec payload: packet payloads concatenated, VP8 descriptors removed.
        public var payload: [UInt8]
        /// Extended sequence number of its first packet.
        public var firstSequenceNumber: ExtendedSequenceNumber
        /// Extended sequence number of its last packet.
        public var lastSequenceNumber: ExtendedSequenceNumber
        /// When its first packet (in sequence order) arrived.
        public var firstArrival: Instant
        /// When its last packet (in sequence order) arrived.
        public var lastArrival: Instant
    }

    /// Why a frame was not released.
    public enum DropReason: Sendable, Equatable {
        /// Packets were still missing when the wait ran out.
        case incomplete
        /// A delta frame after a loss, before the next keyframe.
        case waitingForKeyframe
    }

    /// What the buffer produces.
    public enum Output: Sendable, Equatable {
        /// A complete frame, in order.
        case frame(Frame)
        /// A frame given up; `timestamp` is nil when not even one of its packets arrived.
        case frameDropped(timestamp: UInt32?, reason: DropReason)
        /// The decoder needs a keyframe to continue.
        case keyframeNeeded
    }

    /// What happened to one inserted packet.
    public enum InsertResult: Sendable, Equatable {
        /// Buffered.
        case accepted
        /// Already buffered.
        case duplicate
        /// Older than what was already released or skipped.
        case tooLate
        /// Payload could not be parsed (VP8 descriptor); ignored.
        case malformed
    }

    private struct Slot: Sendable {
        var sequence: UInt64 = .max
        var packet: RTPPacket?
        var arrival: Instant = .zero
        var startsFrame = false
        var isKeyframe = false
        var payloadOffset = 0
    }

    /// The codec of the stream.
    public let codec: Codec
    /// How long a frame may wait for missing packets.
    public var maxWait: Duration
    private var slots: [Slot]
    private var unwrapper = SequenceNumberUnwrapper()
    /// Next sequence number to release; everything below is released or skipped.
    private var next: UInt64?
    private var highest: UInt64 = 0
    private var releasedAny = false
    private var stalledSince: Instant?
    /// Video starts here: a decoder can only begin at a keyframe, and the one the sender began with may have been
    /// sent before the path was up, so a stream that opens with delta frames asks for one.
    private var waitingForKeyframe: Bool
    /// `.keyframeNeeded` was reported for the current wait (the requester repeats it; once per wait is enough).
    private var keyframeReported = false
    private var outputs: [Output] = []
    private var outputIndex = 0

    /// A buffer for `codec` that holds up to `capacity` packets and waits `maxWait` for losses.
    public init(codec: Codec, maxWait: Duration? = nil, capacity: Int = 2048) {
        self.codec = codec
        self.maxWait = maxWait ?? (codec == .audio ? .milliseconds(60) : .milliseconds(200))
        waitingForKeyframe = codec == .vp8
        slots = Array(repeating: Slot(), count: max(capacity, 16))
    }

    /// Packets currently buffered.
    public var bufferedCount: Int {
        guard let next else { return 0 }
        var count = 0
        var seq = next
        while seq <= highest {
            if slots[index(seq)].sequence == seq { count += 1 }
            seq += 1
        }
        return count
    }

    private func index(_ seq: UInt64) -> Int { Int(seq % UInt64(slots.count)) }

    /// Adds a received packet, then releases whatever became complete.
    @discardableResult
    public mutating func insert(_ packet: RTPPacket, now: Instant) -> InsertResult {
        var slot = Slot()
        slot.packet = packet
        slot.arrival = now
        switch codec {
        case .audio:
            slot.startsFrame = true
            slot.isKeyframe = true
        case .vp8:
            guard let (descriptor, vp8) = try? VP8PayloadDescriptor.parse(packet.payload) else { return .malformed }
            slot.startsFrame = descriptor.startsFrame
            slot.isKeyframe = descriptor.startsFrame && (vp8.first.map { $0 & 0x01 == 0 } ?? false)
            slot.payloadOffset = packet.payload.count - vp8.count
        }
        let seq = packet.extendedSequenceNumber(using: &unwrapper).rawValue
        slot.sequence = seq
        if let current = next {
            if seq < current {
                // Before anything was released, a reordered early packet may still extend the start.
                guard !releasedAny, current - seq < UInt64(slots.count) / 2 else { return .tooLate }
                next = seq
            } else if seq - current >= UInt64(slots.count) {
                // Too far ahead to buffer: give up on everything pending and start over from here.
                flushAll(upTo: seq)
            }
        } else {
            next = seq
            highest = seq
        }
        let position = index(seq)
        if slots[position].sequence == seq { return .duplicate }
        slots[position] = slot
        if seq > highest { highest = seq }
        if stalledSince == nil { stalledSince = now }
        release(now: now)
        return .accepted
    }

    /// Gives up on a frame whose wait has run out.
    public mutating func handleTimeout(now: Instant) {
        while let deadline = nextDeadline(), deadline <= now {
            skipStuckFrame()
            stalledSince = now
            release(now: now)
            if next.map({ $0 > highest }) ?? true { stalledSince = nil }
        }
    }

    /// When `handleTimeout` should run: the end of the wait of the frame blocking the head.
    public func nextDeadline() -> Instant? {
        guard let stalledSince, let next, next <= highest else { return nil }
        return stalledSince + maxWait
    }

    /// The next frame or event; nil when drained.
    public mutating func pollOutput() -> Output? {
        guard outputIndex < outputs.count else {
            outputs.removeAll(keepingCapacity: true)
            outputIndex = 0
            return nil
        }
        defer { outputIndex += 1 }
        return outputs[outputIndex]
    }

    private func slot(_ seq: UInt64) -> Slot? {
        let slot = slots[index(seq)]
        return slot.sequence == seq ? slot : nil
    }

    private mutating func clear(_ seq: UInt64) {
        let position = index(seq)
        if slots[position].sequence == seq { slots[position] = Slot() }
    }

    /// Releases complete frames at the head.
    private mutating func release(now: Instant) {
        while let start = next, let first = slot(start), first.startsFrame {
            // Find the end of the frame.
            var end = start
            var complete = false
            while let current = slot(end), current.packet?.timestamp == first.packet?.timestamp {
                if codec == .audio || current.packet?.marker == true {
                    complete = true
                    break
                }
                end += 1
            }
            guard complete else { return }
            emitFrame(from: start, to: end)
            next = end + 1
            releasedAny = true
            stalledSince = end + 1 <= highest ? now : nil
        }
    }

    private mutating func emitFrame(from start: UInt64, to end: UInt64) {
        var payload: [UInt8] = []
        var size = 0
        for seq in start...end { size += slot(seq).map { $0.packet!.payload.count - $0.payloadOffset } ?? 0 }
        payload.reserveCapacity(size)
        let first = slot(start)!
        let last = slot(end)!
        for seq in start...end {
            if let entry = slot(seq), let packet = entry.packet {
                payload.append(contentsOf: packet.payload.dropFirst(entry.payloadOffset))
            }
            clear(seq)
        }
        let timestamp = first.packet!.timestamp
        if codec == .vp8 && waitingForKeyframe && !first.isKeyframe {
            outputs.append(.frameDropped(timestamp: timestamp, reason: .waitingForKeyframe))
            if !keyframeReported {
                keyframeReported = true
                outputs.append(.keyframeNeeded)
            }
            return
        }
        if first.isKeyframe {
            waitingForKeyframe = false
            keyframeReported = false
        }
        outputs.append(.frame(Frame(
            timestamp: timestamp, isKeyframe: first.isKeyframe, payload: payload,
            firstSequenceNumber: ExtendedSequenceNumber(rawValue: start),
            lastSequenceNumber: ExtendedSequenceNumber(rawValue: end),
            firstArrival: first.arrival, lastArrival: last.arrival)))
    }

    /// Drops the frame blocking the head: everything up to the next packet that starts another frame.
    private mutating func skipStuckFrame() {
        guard let start = next else { return }
        var firstPresent = start
        while firstPresent <= highest && slot(firstPresent) == nil { firstPresent += 1 }
        if firstPresent > start, firstPresent <= highest, slot(firstPresent)!.startsFrame {
            // Only whole frames (or their padding) are missing: skip the gap, keep the frame after it.
            next = firstPresent
            releasedAny = true
            noteDrop(timestamp: nil)
            return
        }
        var stuckTimestamp: UInt32?
        var seq = start
        while seq <= highest {
            if let entry = slot(seq) {
                if stuckTimestamp == nil {
                    stuckTimestamp = entry.packet?.timestamp
                } else if entry.startsFrame && entry.packet?.timestamp != stuckTimestamp {
                    break
                }
            }
            clear(seq)
            seq += 1
        }
        next = seq
        releasedAny = true
        noteDrop(timestamp: stuckTimestamp)
    }

    private mutating func noteDrop(timestamp: UInt32?) {
        outputs.append(.frameDropped(timestamp: timestamp, reason: .incomplete))
        if codec == .vp8 && !keyframeReported {
            waitingForKeyframe = true
            keyframeReported = true
            outputs.append(.keyframeNeeded)
        }
    }

    private mutating func flushAll(upTo seq: UInt64) {
        if let start = next {
            var current = start
            while current <= highest {
                clear(current)
                current += 1
            }
        }
        next = seq
        noteDrop(timestamp: nil)
    }
}
