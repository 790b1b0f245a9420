import Wire

/// One SCTP association over DTLS (RFC 8261, RFC 9260 subset) as a sans-IO state machine: packets and user
/// messages go in, packets and events come out, and time is whatever `now` the owner passes.
///
/// Both sides may send INIT (libwebrtc does; aiortc only from the DTLS client): the INIT collision rules of
/// RFC 9260 §5.2.1-5.2.4 make the two handshakes converge on one association. To keep that simple and robust,
/// this endpoint uses one verification tag and one initial TSN for its whole life, in its INIT and in every
/// INIT ACK it sends, so every state cookie it hands out names the same local tag (a peer restart is not
/// supported; WebRTC restarts DTLS and SCTP together).
///
/// Drive it like every LinkUp core: after each `handle`, `handleTimeout`, `send` or other command, drain
/// `pollEvent()` and `pollTransmit()` until both return nil, and call `handleTimeout` at `nextDeadline()`.
/// Packets are built lazily in `pollTransmit`, so messages sent back to back are bundled into full packets.
public struct SCTPAssociation {
    /// Association states (RFC 9260 §4), plus the end state after an abort or failure.
    public enum State: Sendable, Hashable {
        /// No association yet; an INIT would still be answered.
        case closed
        /// INIT sent, waiting for INIT ACK.
        case cookieWait
        /// COOKIE ECHO sent, waiting for COOKIE ACK.
        case cookieEchoed
        /// Data flows.
        case established
        /// Shutdown asked for; outstanding data drains first.
        case shutdownPending
        /// SHUTDOWN sent.
        case shutdownSent
        /// The peer's SHUTDOWN arrived; our outstanding data drains first.
        case shutdownReceived
        /// SHUTDOWN ACK sent.
        case shutdownAckSent
        /// Shut down, aborted or failed: nothing more happens.
        case terminated
    }

    let configuration: SCTPConfiguration
    /// Where the association is.
    public internal(set) var state: State = .closed

    // Identity (fixed for life, see the type's comment).
    let localTag: UInt32
    let initialTSN: UInt32
    let cookieKey: (UInt64, UInt64)
    var peerTag: UInt32 = 0
    var peerSupportsForwardTSN = false
    var peerSupportsReconfig = false
    /// Streams we may send on: the peer's inbound stream count (§5.1.1).
    public internal(set) var outboundStreamCount: UInt16 = .max

    // Timers (nil when stopped).
    var t1Deadline: Instant?
    var t1Attempts = 0
    var t1Timeout: Duration = .zero
    var t1Sent: Instant?
    var t3Deadline: Instant?
    var t2Deadline: Instant?
    var t2Attempts = 0
    var delayedAckDeadline: Instant?
    var reconfigDeadline: Instant?
    var heartbeatDeadline: Instant?
    var cookieEcho: [UInt8]?

    // Sending.
    var nextTSN: UInt32
    var sent: SentChunkQueue
    var pending = MessageQueue()
    var nextSSN: [UInt16: UInt16] = [:]
    var bufferedPerStream: [UInt16: Int] = [:]
    var pendingPerStream: [UInt16: Int] = [:]
    var retransmitQueue: [UInt32] = []
    var retransmitHead = 0
    var flightSize = 0
    var congestionWindow: Int
    var slowStartThreshold: Int
    var partialBytesAcked = 0
    var peerReceiveWindow = 0
    var fastRecoveryExit: UInt32?
    var rto: RetransmissionTimeout
    var consecutiveTimeouts = 0
    var rttProbe: (tsn: UInt32, sent: Instant)?
    var forwardTSNNeeded = false
    var nextMessageID: UInt64 = 0
    var decreasedStreams: [UInt16] = []

    // Receiving.
    var received = ReceivedTSNs(cumulative: 0)
    var reassembly: ReassemblyQueue
    var sackNeeded = false
    var sackNow = false
    var packetsSinceSack = 0
    var delivered: [ReceivedMessage] = []

    // Stream reset (RFC 6525).
    var streamsToReset: [UInt16] = []
    var resetInFlight: (sequence: UInt32, streams: [UInt16], lastTSN: UInt32)?
    var resetRequestNeeded = false
    var nextResetSequence: UInt32
    var peerNextResetSequence: UInt32 = 0
    var lastResetResponse: (sequence: UInt32, result: UInt32)?
    var deferredPeerReset: (sequence: UInt32, streams: [UInt16], lastTSN: UInt32)?

    // Output.
    var controlChunks: [SCTPChunk] = []
    var events = OutputQueue<SCTPEvent>()
    var readyPackets = OutputQueue<[UInt8]>()
    var lastNow: Instant = .zero
    var statistics = SCTPStats()

    /// A new association. The generator supplies the verification tag, the initial TSN and the cookie key.
    public init(configuration: SCTPConfiguration, random: inout some RandomNumberGenerator) {
        self.configuration = configuration
        var tag: UInt32 = 0
        while tag == 0 { tag = UInt32.random(in: 1...UInt32.max, using: &random) }
        localTag = tag
        initialTSN = UInt32.random(in: 0...UInt32.max, using: &random)
        cookieKey = (random.next(), random.next())
        nextTSN = initialTSN
        nextResetSequence = initialTSN
        sent = SentChunkQueue(firstTSN: initialTSN)
        let mtu = max(configuration.mtu, 256)
        congestionWindow = max(configuration.initialCongestionWindowPackets, 1) * mtu
        slowStartThreshold = configuration.receiveWindow
        rto = RetransmissionTimeout(initial: configuration.rtoInitial, minimum: configuration.rtoMin,
                                    maximum: configuration.rtoMax)
        reassembly = ReassemblyQueue(maxMessageSize: configuration.maxMessageSize)
    }

    var mtu: Int { max(configuration.mtu, 256) }

    /// True once the association is up and until it ends or starts shutting down.
    public var isEstablished: Bool { state == .established }

    /// True when messages can still be queued: not shutting down and not ended.
    public var acceptsMessages: Bool {
        switch state {
        case .closed, .cookieWait, .cookieEchoed, .established: true
        default: false
        }
    }

    /// Bytes of `stream` accepted by `send` and not yet acknowledged or abandoned.
    public func bufferedAmount(stream: UInt16) -> Int { bufferedPerStream[stream] ?? 0 }

    /// Counters and congestion state.
    public var stats: SCTPStats {
        var stats = statistics
        stats.congestionWindow = congestionWindow
        stats.slowStartThreshold = slowStartThreshold
        stats.retransmissionTimeout = rto.duration
        stats.smoothedRTT = rto.smoothed
        stats.peerReceiveWindow = peerReceiveWindow
        stats.outstandingBytes = flightSize
        return stats
    }

    /// The earliest time the association wants `handleTimeout`.
    public func nextDeadline() -> Instant? {
        earliest(t1Deadline, t3Deadline, t2Deadline, delayedAckDeadline, reconfigDeadline, heartbeatDeadline)
    }

    /// The next event, or nil when there is none.
    public mutating func pollEvent() -> SCTPEvent? { events.next() }

    /// The next packet to send, or nil when there is nothing to send now.
    public mutating func pollTransmit() -> [UInt8]? {
        if let packet = readyPackets.next() { return packet }
        return buildPacket(now: lastNow)
    }

    /// Runs every timer due at `now` (RFC 9260 §6.3.3, §5.1, §9.2, §6.2; RFC 6525 §5.1.1).
    public mutating func handleTimeout(now: Instant) {
        lastNow = now
        if let deadline = t1Deadline, deadline <= now { t1Expired(now: now) }
        if let deadline = t3Deadline, deadline <= now { t3Expired(now: now) }
        if let deadline = t2Deadline, deadline <= now { t2Expired(now: now) }
        if let deadline = delayedAckDeadline, deadline <= now {
            delayedAckDeadline = nil
            if sackNeeded { sackNow = true }
        }
        if let deadline = reconfigDeadline, deadline <= now {
            reconfigDeadline = nil
            if resetInFlight != nil { resetRequestNeeded = true }
        }
        if let deadline = heartbeatDeadline, deadline <= now { heartbeatExpired(now: now) }
        afterInput(now: now)
    }

    /// Ends the association with an event, stopping every timer.
    mutating func terminate(_ error: SCTPError?) {
        guard state != .terminated else { return }
        state = .terminated
        t1Deadline = nil
        t3Deadline = nil
        t2Deadline = nil
        delayedAckDeadline = nil
        reconfigDeadline = nil
        heartbeatDeadline = nil
        controlChunks.removeAll()
        sackNeeded = false
        sackNow = false
        events.append(error.map { .failed($0) } ?? .closed)
    }

    /// Emits `bufferedAmountDecreased` once per stream touched by the last input.
    mutating func flushDecreasedStreams() {
        guard !decreasedStreams.isEmpty else { return }
        if decreasedStreams.count > 1 {
            var seen = Set<UInt16>()
            decreasedStreams = decreasedStreams.filter { seen.insert($0).inserted }
        }
        for stream in decreasedStreams { events.append(.bufferedAmountDecreased(stream: stream)) }
        decreasedStreams.removeAll(keepingCapacity: true)
    }

    /// Lowers `stream`'s buffered amount by `bytes`.
    mutating func releaseBuffered(_ bytes: Int, stream: UInt16) {
        guard bytes > 0 else { return }
        let remaining = (bufferedPerStream[stream] ?? 0) - bytes
        // Each chunk is released once (acknowledged or abandoned, never both): debug builds check it.
        assert(remaining >= 0, "buffered amount of stream \(stream) released twice")
        bufferedPerStream[stream] = remaining > 0 ? remaining : nil
        decreasedStreams.append(stream)
    }
}
