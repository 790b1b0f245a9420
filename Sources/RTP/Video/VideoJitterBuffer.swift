import Wire

/// The receive side of one VP8 video stream, assembled from the RTP receive pieces: RTX copies unwrapped
/// (`RTXDepacketizer`, RFC 4588 §4), missing packets asked for again (`NackGenerator`, RFC 4585 §6.2.1), packets
/// ordered into complete frames that wait a bounded time (`JitterBuffer`), and a keyframe requested with PLI when a
/// frame is lost for good (`KeyframeRequester`, RFC 4585 §6.3.1). Frames after a loss are withheld until that
/// keyframe (the jitter buffer's policy), so the decoder never sees a frame whose reference is missing.
public struct VideoJitterBuffer {
    /// What one poll produced.
    public struct Output: Sendable {
        /// Complete frames (VP8 bytes without descriptors), in order, ready for the decoder.
        public var frames: [[UInt8]] = []
        /// The RTP timestamp of each frame in `frames` (same order): presentation time for recorders and A/V sync.
        public var frameTimestamps: [UInt32] = []
        /// Frames given up on, or withheld while waiting for a keyframe.
        public var dropped = 0
        /// RTCP to send to the sender (NACK, PLI), as one reduced-size compound (RFC 5506); empty when none.
        public var feedback: [UInt8] = []
        /// NACK packets in `feedback`.
        public var nacks = 0
        /// PLI packets in `feedback`.
        public var plis = 0
    }

    /// The payload type of RTX copies of this stream, when negotiated.
    public let rtxPayloadType: PayloadType?
    private let localSSRC: SSRC
    private var jitter: JitterBuffer
    private var nack: NackGenerator?
    private var keyframes: KeyframeRequester?
    private var rtx: RTXDepacketizer?
    private var output = Output()

    /// A buffer for one video stream. `localSSRC` is the sender SSRC its feedback names; `maximumWait` bounds how
    /// long an incomplete frame waits; `nackInterval` is how often a missing packet is asked for again (about an RTT).
    public init(rtxPayloadType: PayloadType?, localSSRC: SSRC = SSRC(1), maximumWait: Duration = .milliseconds(250),
                nackInterval: Duration = .milliseconds(40)) {
        self.rtxPayloadType = rtxPayloadType
        self.localSSRC = localSSRC
        jitter = JitterBuffer(codec: .vp8, maxWait: maximumWait)
        self.nackInterval = nackInterval
    }

    /// How often a missing packet is asked for again: about one round trip, so a repeat does not go out before
    /// the answer to the last one could arrive.
    public var nackInterval: Duration {
        didSet { nack?.retryInterval = nackInterval }
    }

    /// How long an incomplete frame waits for its missing packets before it is given up (and a keyframe asked
    /// for): long enough for a NACK and its answer to cross the path, and for late packets to arrive.
    public var maximumWait: Duration {
        get { jitter.maxWait }
        set { jitter.maxWait = newValue }
    }

    /// Asks the sender for a keyframe (PLI, at most one per `KeyframeRequester.minInterval`): the decoder lost
    /// frames it could not repair, for instance because it fell behind and dropped them.
    public mutating func requestKeyframe() {
        keyframes?.requestKeyframe()
    }

    /// Takes one packet of the stream, or an RTX copy of one.
    public mutating func receive(_ received: RTPPacket, now: Instant) {
        var packet = received
        if let rtxPayloadType, packet.payloadType == rtxPayloadType {
            guard let unwrapped = rtx?.unwrap(packet) else { return }
            packet = unwrapped
        } else if nack == nil {
            var generator = NackGenerator(senderSSRC: localSSRC, mediaSSRC: packet.ssrc)
            generator.retryInterval = nackInterval
            nack = generator
            keyframes = KeyframeRequester(senderSSRC: localSSRC, mediaSSRC: packet.ssrc)
            rtx = RTXDepacketizer(originalSSRC: packet.ssrc, originalPayloadType: packet.payloadType)
        }
        nack?.packetReceived(sequenceNumber: packet.sequenceNumber, now: now)
        _ = jitter.insert(packet, now: now)
        collect()
    }

    /// Runs the give-up timer of the jitter buffer.
    public mutating func handleTimeout(now: Instant) {
        jitter.handleTimeout(now: now)
        collect()
    }

    /// Frames ready for the decoder and feedback to send, since the last poll.
    public mutating func poll(now: Instant) -> Output {
        collect()
        var feedback: [RTCPPacket] = []
        if let request = nack?.pollNack(now: now) {
            feedback.append(.genericNack(request))
            output.nacks += 1
        }
        if let pli = keyframes?.pollRequest(now: now) {
            feedback.append(.pictureLossIndication(pli))
            output.plis += 1
        }
        if !feedback.isEmpty { output.feedback = RTCPCompound(packets: feedback).encoded }
        defer { output = Output() }
        return output
    }

    /// The earliest time a timer wants `handleTimeout` (or a poll): a give-up, a NACK retry, a PLI repeat.
    public func nextDeadline() -> Instant? {
        earliest(jitter.nextDeadline(), nack?.nextDeadline(), keyframes?.nextDeadline())
    }

    private mutating func collect() {
        while let event = jitter.pollOutput() {
            switch event {
            case let .frame(frame):
                if frame.isKeyframe { keyframes?.keyframeReceived() }
                output.frames.append(frame.payload)
                output.frameTimestamps.append(frame.timestamp)
            case .frameDropped:
                output.dropped += 1
            case .keyframeNeeded:
                keyframes?.requestKeyframe()
            }
        }
    }
}
