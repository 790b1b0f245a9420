import Congestion
import RTP
import Wire

/// Congestion control of what an endpoint sends (draft-ietf-rmcat-gcc-02 with transport-wide feedback,
/// draft-holmer-rmcat-transport-wide-cc-extensions-01): every packet leaves through the pacer, gets a
/// transport-wide sequence number as it leaves, and the remote's feedback about those numbers (or its REMB, or
/// its report blocks) moves the target bitrate, which is split between Opus and VP8 and turned into encoder
/// targets (rate, picture size, frame rate, expected loss).
struct SendRateControl {
    /// A packet waiting in the pacer, with the section it goes on.
    struct Paced {
        var mid: Mid
        var packet: RTPPacket
    }

    /// What the pacer released.
    enum Release {
        /// Send this packet (its transport-wide sequence number is set).
        case send(mid: Mid, packet: RTPPacket)
        /// Send about `size` bytes of padding for probe cluster `cluster`, then `paddingSent` it.
        case padding(size: Int, cluster: Int)
    }

    private(set) var controller: CongestionController
    private var pacer: Pacer<Paced>
    /// The transport-wide sequence number extension.
    private let extensionID: UInt8
    /// abs-send-time, stamped on every packet as it leaves when negotiated. A remote that takes transport-wide
    /// numbers estimates from those instead, so today nothing reads it; it is kept as negotiated.
    private let absSendTimeID: UInt8?
    private let allocation = { () -> BitrateAllocation in
        var allocation = BitrateAllocation()
        allocation.packetOverhead = 24 + Self.transportOverhead  // RTP header with mid and transport-wide seq
        return allocation
    }()
    /// Bytes a packet costs on the path beyond its RTP bytes: SRTP's tag (16 at most), UDP (8) and IPv4 (20).
    /// The controller counts them (libwebrtc does too), so its estimate is of what the link carries, and the
    /// codecs get the estimate less the headers: without this a 2 Mbit/s link ran 10-20% over its target.
    static let transportOverhead = 44
    private(set) var ladder = VideoLadder()
    /// The picture size is left alone until then: the start rate (300 kbit/s) is a guess that the initial probes
    /// replace within a second, and stepping down to 320x240 on it, then back up after the ladder's hold time,
    /// showed a browser a small picture for the first 2-3 s of every call.
    private let ladderStartsAt: Instant
    private var released = OutputQueue<Release>()

    /// Rate control starting at `startBitrate`, stamping transport-wide sequence numbers with extension `id`.
    init(extensionID id: UInt8, absSendTimeID: UInt8? = nil, startBitrate: Int, maxBitrate: Int, now: Instant) {
        var configuration = CongestionController.Configuration()
        configuration.startBitrate = startBitrate
        configuration.maxBitrate = maxBitrate
        self.absSendTimeID = absSendTimeID
        controller = CongestionController(configuration: configuration, now: now)
        pacer = Pacer(pacingRate: controller.pacingRate)
        extensionID = id
        ladderStartsAt = now + .seconds(1)
        startProbes(now: now)
    }

    /// Queues a packet for the pacer.
    mutating func enqueue(_ packet: RTPPacket, mid: Mid, kind: PacketKind, now: Instant) {
        pacer.enqueue(Paced(mid: mid, packet: packet), size: packet.encodedSize, kind: kind, now: now)
        pace(now: now)
    }

    /// A padding packet (an RTX copy of a recent packet) sent for probe cluster `cluster`.
    mutating func paddingSent(_ packet: inout RTPPacket, cluster: Int, now: Instant) {
        stamp(&packet, kind: .padding, cluster: cluster, now: now)
    }

    /// What the pacer released, in order.
    mutating func pollRelease() -> Release? { released.next() }

    /// Runs the pacer's and the controller's timers.
    mutating func handleTimeout(now: Instant) {
        controller.handleTimeout(now: now)
        followController(now: now)
        pace(now: now)
    }

    /// How long the oldest packet has waited in the pacer: when the encoder overshoots its target, this grows.
    func queueDelay(now: Instant) -> Duration { pacer.oldestQueueTime(now: now) }

    /// The earliest of the pacer's and the controller's deadlines.
    func nextDeadline() -> Instant? { earliest(pacer.nextDeadline(), controller.nextDeadline()) }

    // MARK: Feedback

    /// Transport-wide feedback from the remote.
    mutating func handle(_ feedback: TransportFeedback, now: Instant) {
        controller.handle(feedback, now: now)
        followController(now: now)
    }

    /// A REMB from the remote: a cap on what we send.
    mutating func handle(_ remb: ReceiverEstimatedMaxBitrate, now: Instant) {
        controller.handle(remb, now: now)
        followController(now: now)
    }

    /// A report block about one of our streams: its loss (used when no transport-wide feedback comes) and the
    /// round trip.
    mutating func reportReceived(fractionLost: UInt8, packets: Int, roundTrip: Duration?, now: Instant) {
        if let roundTrip { controller.updateRTT(roundTrip) }
        controller.handleLossReport(fractionLost: fractionLost, packets: packets, now: now)
        followController(now: now)
    }

    // MARK: Targets

    /// The encoder targets for the current estimate: Opus gets its share (16-64 kbit/s) with the expected loss,
    /// VP8 the rest, at the ladder's step for that rate. The top step means "as captured" (an HD camera is not
    /// cut to 640x480 on a fast path); each step below scales the source down to about the step's width (a
    /// 1280x720 source at the 320x240 step: a divisor of 4; a 320x240 source there: none).
    func targets(sourceWidth: Int?) -> (video: VideoEncoderTarget, audio: AudioEncoderTarget) {
        let split = allocation.split(target: controller.targetBitrate)
        let step = ladder.current
        let divisor = ladder.index == 0 ? 1 : max(1, (sourceWidth ?? step.width) / max(step.width, 1))
        let loss = allocation.opusLossSettings(lossFraction: controller.lossFraction)
        return (VideoEncoderTarget(bitrate: max(split.video, 30_000), scaleDivisor: divisor,
                                   maxFrameRate: step.framesPerSecond),
                AudioEncoderTarget(bitrate: split.audio, packetLossPercent: loss.expectedLossPercent, fec: loss.fec))
    }

    // MARK: Internals

    private mutating func followController(now: Instant) {
        pacer.setPacingRate(controller.pacingRate)
        startProbes(now: now)
        if now >= ladderStartsAt {
            ladder.update(videoBitrate: allocation.split(target: controller.targetBitrate).video, now: now)
        }
    }

    private mutating func startProbes(now: Instant) {
        while let cluster = controller.pollProbe() { pacer.startProbe(cluster, now: now) }
    }

    private mutating func pace(now: Instant) {
        pacer.handleTimeout(now: now)
        while let output = pacer.pollOutput() {
            switch output {
            case let .send(paced, _, kind, cluster):
                var packet = paced.packet
                stamp(&packet, kind: kind, cluster: cluster, now: now)
                released.append(.send(mid: paced.mid, packet: packet))
            case let .padding(size, cluster):
                released.append(.padding(size: size, cluster: cluster))
            }
        }
    }

    private mutating func stamp(_ packet: inout RTPPacket, kind: PacketKind, cluster: Int?, now: Instant) {
        let sequence = controller.onPacketSent(size: packet.encodedSize + Self.transportOverhead, kind: kind,
                                               probeClusterID: cluster, now: now)
        var extensions = packet.extensions ?? RTPHeaderExtensions()
        extensions.setTransportSequenceNumber(sequence, id: extensionID)
        if let absSendTimeID {
            extensions.setAbsSendTime(RTPHeaderExtensions.absSendTime(of: now), id: absSendTimeID)
        }
        packet.extensions = extensions
    }
}
