import Wire

/// Receives VP8 over RTP for `linkup loopback`: reorders packets, asks for missing ones with NACK (RFC 4585
/// §6.2.1) and takes their RTX copies (RFC 4588 §4), reassembles frames, gives up on a frame that stays incomplete
/// for `maximumWait`, then withholds frames until a keyframe and asks for one with PLI (RFC 4585 §6.3.1).
public struct VideoJitterBuffer {
    /// What one poll produced.
    public struct Output: Sendable {
        /// Complete frames (VP8 bytes without descriptors), in order, ready for the decoder.
        public var frames: [[UInt8]] = []
        /// Frames given up on, or withheld while waiting for a keyframe.
        public var dropped = 0
        /// RTCP to send to the sender (NACK, PLI), as one compound packet; empty when there is none.
        public var feedback: [UInt8] = []
        /// NACK packets in `feedback`.
        public var nacks = 0
        /// PLI packets in `feedback`.
        public var plis = 0
    }

    private struct Pending {
        var packets: [UInt64: RTPPacket] = [:]
        var firstArrival: Instant
    }

    /// The payload type of RTX copies of this stream, when negotiated.
    public let rtxPayloadType: PayloadType?
    /// How long an incomplete frame may wait for its missing packets.
    public var maximumWait: Duration = .milliseconds(250)
    /// How often a missing packet is asked for again.
    public var nackInterval: Duration = .milliseconds(40)
    /// How many times a missing packet is asked for in all.
    public var nackAttempts = 6
    /// How often PLI is repeated while no keyframe arrives.
    public var pliInterval: Duration = .milliseconds(300)

    private var unwrapper = SequenceNumberUnwrapper()
    private var mediaSSRC: SSRC?
    private var frames: [UInt32: Pending] = [:]
    private var frameOrder: [UInt32] = []
    private var highest: UInt64?
    private var missing: [UInt64: (asked: Int, next: Instant)] = [:]
    /// Frames are withheld until a keyframe: at the start, and after a frame was lost for good.
    private var needKeyframe = true
    /// PLI is sent only after a loss; at the start the sender's first frame is a keyframe anyway.
    private var lostFrame = false
    private var lastPLI: Instant?
    private var lastReleasedTimestamp: UInt32?
    private var output = Output()
    private var feedback: [RTCPPacket] = []
    private let localSSRC: SSRC

    /// A buffer for one video stream; `localSSRC` is the sender SSRC its feedback names.
    public init(rtxPayloadType: PayloadType?, localSSRC: SSRC = SSRC(1)) {
        self.rtxPayloadType = rtxPayloadType
        self.localSSRC = localSSRC
    }

    /// Takes one packet of the stream (or an RTX copy of one).
    public mutating func receive(_ received: RTPPacket, now: Instant) {
        var packet = received
        if let rtxPayloadType, packet.payloadType == rtxPayloadType {
            // RTX: the original sequence number leads the payload (RFC 4588 §4).
            guard packet.payload.count >= 2, let ssrc = mediaSSRC else { return }
            let start = packet.payload.startIndex
            let original = UInt16(packet.payload[start]) << 8 | UInt16(packet.payload[start + 1])
            packet.sequenceNumber = original
            packet.ssrc = ssrc
            packet.payload = packet.payload.dropFirst(2)
        } else {
            mediaSSRC = packet.ssrc
        }
        let sequence = unwrapper.unwrap(packet.sequenceNumber).rawValue
        if let last = lastReleasedTimestamp, Int32(bitPattern: packet.timestamp &- last) <= 0 { return }
        missing[sequence] = nil
        if let highest, sequence > highest + 1 {
            for gap in (highest + 1)..<min(sequence, highest + 512) where missing[gap] == nil {
                missing[gap] = (0, now)
            }
        }
        highest = max(highest ?? sequence, sequence)
        if frames[packet.timestamp] == nil {
            frames[packet.timestamp] = Pending(firstArrival: now)
            frameOrder.append(packet.timestamp)
            frameOrder.sort { Int32(bitPattern: $0 &- $1) < 0 }
        }
        frames[packet.timestamp]?.packets[sequence] = packet
        release(now: now)
        sendNacks(now: now)
    }

    /// Runs the give-up and NACK timers.
    public mutating func handleTimeout(now: Instant) {
        release(now: now)
        sendNacks(now: now)
    }

    /// Frames ready for the decoder and feedback to send, since the last poll.
    public mutating func poll(now: Instant) -> Output {
        if needKeyframe, lostFrame, lastPLI.map({ now >= $0 + pliInterval }) ?? true, let ssrc = mediaSSRC {
            lastPLI = now
            append(.pictureLossIndication(PictureLossIndication(senderSSRC: localSSRC, mediaSSRC: ssrc)))
            output.plis += 1
        }
        if !feedback.isEmpty {
            output.feedback = RTCPCompound(packets: feedback).encoded
            feedback.removeAll()
        }
        defer { output = Output() }
        return output
    }

    /// Releases complete frames in order. A frame waits while packets before it are still being asked for (they may
    /// be a whole lost frame it depends on); after `maximumWait` the loss is final: the incomplete frame, or the
    /// unknown frame those packets carried, is dropped and frames are withheld until a keyframe.
    private mutating func release(now: Instant) {
        while let timestamp = frameOrder.first, let pending = frames[timestamp] {
            let first = pending.packets.keys.min() ?? 0
            let earlierMissing = missing.keys.contains { $0 < first }
            if !earlierMissing, let data = assemble(pending) {
                finish(timestamp)
                let isKey = data.isKey
                if needKeyframe && !isKey {
                    output.dropped += 1
                    continue
                }
                if isKey {
                    needKeyframe = false
                    lostFrame = false
                }
                output.frames.append(data.bytes)
                continue
            }
            guard now >= pending.firstArrival + maximumWait else { return }
            if earlierMissing, let data = assemble(pending) {
                // The gap before this frame was a frame of its own that never came: give up on it, keep this one
                // only if it is a keyframe.
                for sequence in missing.keys where sequence < first { missing[sequence] = nil }
                output.dropped += 1
                finish(timestamp)
                if data.isKey {
                    needKeyframe = false
                    lostFrame = false
                    output.frames.append(data.bytes)
                } else {
                    needKeyframe = true
                    lostFrame = true
                    output.dropped += 1
                }
                continue
            }
            finish(timestamp)
            output.dropped += 1
            needKeyframe = true
            lostFrame = true
        }
    }

    private mutating func finish(_ timestamp: UInt32) {
        if let pending = frames[timestamp], let last = pending.packets.keys.max() {
            for sequence in missing.keys where sequence <= last { missing[sequence] = nil }
        }
        frames[timestamp] = nil
        frameOrder.removeFirst()
        lastReleasedTimestamp = timestamp
    }

    /// The frame's VP8 bytes when its packets run without a gap from the S=1 packet to the marker.
    private func assemble(_ pending: Pending) -> (bytes: [UInt8], isKey: Bool)? {
        let sequences = pending.packets.keys.sorted()
        guard let first = sequences.first, let last = sequences.last, last - first + 1 == UInt64(sequences.count),
              let firstPacket = pending.packets[first], let lastPacket = pending.packets[last], lastPacket.marker,
              let (descriptor, _) = try? VP8PayloadDescriptor.parse(firstPacket.payload), descriptor.startsFrame
        else { return nil }
        var bytes: [UInt8] = []
        for sequence in sequences {
            guard let packet = pending.packets[sequence],
                  let (_, vp8) = try? VP8PayloadDescriptor.parse(packet.payload) else { return nil }
            bytes.append(contentsOf: vp8)
        }
        return (bytes, VP8PayloadDescriptor.isKeyFrame(firstPacket.payload))
    }

    private mutating func sendNacks(now: Instant) {
        var lost: [UInt16] = []
        for (sequence, state) in missing where now >= state.next {
            if state.asked >= nackAttempts {
                // Given up: whatever frame the packet belonged to is lost, and frames after it may reference it.
                missing[sequence] = nil
                needKeyframe = true
                lostFrame = true
                continue
            }
            missing[sequence] = (state.asked + 1, now + nackInterval)
            lost.append(UInt16(truncatingIfNeeded: sequence))
        }
        guard !lost.isEmpty, let ssrc = mediaSSRC else { return }
        lost.sort { Int16(bitPattern: $0 &- $1) < 0 }
        append(.genericNack(GenericNack(senderSSRC: localSSRC, mediaSSRC: ssrc, pairs: GenericNack.pairs(forLost: lost))))
        output.nacks += 1
    }

    /// Feedback goes out as one reduced-size compound per poll (RFC 5506, negotiated with a=rtcp-rsize).
    private mutating func append(_ packet: RTCPPacket) {
        feedback.append(packet)
    }
}

extension VideoJitterBuffer {
    /// The earliest time a timer wants `handleTimeout`: a NACK retry, an incomplete frame's give-up, a PLI repeat.
    public func nextDeadline() -> Instant? {
        var deadline = missing.values.map(\.next).min()
        if let head = frameOrder.first, let pending = frames[head] {
            deadline = earliest(deadline, pending.firstArrival + maximumWait)
        }
        if needKeyframe, lostFrame { deadline = earliest(deadline, lastPLI.map { $0 + pliInterval } ?? .zero) }
        return deadline
    }
}
