import RTP
import Wire

/// One stream an echo or relay forwards without decoding: it rewrites SSRC, payload type, sequence number and
/// timestamp so the stream leaves as this side's own, remembers what it sent to answer NACKs, notices gaps in
/// what arrives to NACK upstream, and keeps the statistics both legs' RTCP reports need.
///
/// Sequence numbers and timestamps keep the source's spacing (a constant offset from a random start), so a gap
/// upstream stays a gap downstream and a retransmission that arrives late fills it in place.
struct ForwardedStream: Sendable {
    let route: ForwardingRoute
    /// The source's SSRC and media payload type, learned from its first packet.
    private(set) var sourceSSRC: SSRC?
    private var sourcePayloadType: PayloadType?
    private var sequenceOffset: UInt16 = 0
    private var timestampOffset: UInt32 = 0
    /// The random first sequence number and timestamp of what leaves (RFC 3550 §5.1).
    private let initialSequenceNumber: UInt16
    private let initialTimestamp: UInt32
    /// The last sequence number and timestamp sent, so a new source SSRC continues the outbound numbering.
    private var lastSent: (sequenceNumber: UInt16, timestamp: UInt32)?
    /// What left, for NACKs from downstream (RFC 4585 §6.2.1), answered as RTX when negotiated.
    private(set) var history: RetransmissionHistory
    /// Reception of the source stream (loss, jitter, LSR) for our report blocks.
    private(set) var reception: ReceiverStatistics?
    /// Gaps in the source stream, NACKed upstream (video only).
    private var nacks: NackGenerator?
    /// What left, for our sender reports.
    private(set) var sending: SenderStatistics
    /// A keyframe request is relayed upstream at most this often: a burst of PLIs from downstream (one per lost
    /// frame) must not make the source send a keyframe per PLI.
    static let keyframeRelayInterval: Duration = .milliseconds(250)
    private var lastKeyframeRelay: Instant?
    private var firSequenceNumber: UInt8 = 0

    init(route: ForwardingRoute, initialSequenceNumber: UInt16, initialTimestamp: UInt32) {
        self.route = route
        self.initialSequenceNumber = initialSequenceNumber
        self.initialTimestamp = initialTimestamp
        // 2 s of 600 kbit/s video in 1200-byte packets; audio only needs the last few packets.
        history = RetransmissionHistory(capacity: route.kind == .video ? 512 : 64, rtx: route.outboundRTX)
        sending = SenderStatistics(ssrc: route.outboundSSRC, clockRate: route.clockRate)
    }

    /// Whether `packet` (on this stream's inbound section) is a retransmission of the source in RTX form.
    func isRepair(_ packet: RTPPacket) -> Bool {
        route.inboundRTXPayloadType.map { $0 == packet.payloadType } ?? false
    }

    /// The packet to send for `packet` from the source, rewritten; nil when it cannot be forwarded (an RTX packet
    /// before the source's first packet, or an RTX padding probe). `isRepair` tells whether it was RTX.
    mutating func forward(_ packet: RTPPacket, now: Instant) -> RTPPacket? {
        var original: RTPPacket
        if isRepair(packet) {
            guard let ssrc = sourceSSRC, let type = sourcePayloadType,
                  let unwrapped = RTXDepacketizer(originalSSRC: ssrc, originalPayloadType: type).unwrap(packet)
            else { return nil }
            original = unwrapped
        } else {
            if packet.ssrc != sourceSSRC { sourceChanged(to: packet) }
            sourcePayloadType = packet.payloadType
            reception?.packetReceived(sequenceNumber: packet.sequenceNumber, rtpTimestamp: packet.timestamp,
                                      arrival: now)
            original = packet
        }
        nacks?.packetReceived(sequenceNumber: original.sequenceNumber, now: now)
        original.ssrc = route.outboundSSRC
        original.sequenceNumber &+= sequenceOffset
        original.timestamp &+= timestampOffset
        if let type = route.payloadTypes[original.payloadType] { original.payloadType = type }
        history.packetSent(original)
        sending.packetSent(original, captureTime: now)
        if !isRepair(packet) { lastSent = (original.sequenceNumber, original.timestamp) }
        return original
    }

    /// A new source SSRC (the first packet, or the source restarted its stream): new reception statistics and
    /// offsets that continue the outbound numbering where it stopped.
    private mutating func sourceChanged(to packet: RTPPacket) {
        sourceSSRC = packet.ssrc
        reception = ReceiverStatistics(ssrc: packet.ssrc, clockRate: route.clockRate)
        if route.kind == .video { nacks = NackGenerator(senderSSRC: route.outboundSSRC, mediaSSRC: packet.ssrc) }
        let next = lastSent.map { ($0.sequenceNumber &+ 1, $0.timestamp &+ 1) }
            ?? (initialSequenceNumber, initialTimestamp)
        sequenceOffset = next.0 &- packet.sequenceNumber
        timestampOffset = next.1 &- packet.timestamp
    }

    /// A NACK for the source when one is due (a new gap at once, repeats every RTT), nil otherwise.
    mutating func pollNack(now: Instant) -> GenericNack? { nacks?.pollNack(now: now) }

    /// When the next NACK repeat or give-up is due.
    func nextNackDeadline() -> Instant? { nacks?.nextDeadline() }

    /// Sets the NACK repeat interval to the measured round trip (with a floor: a NACK needs the source's time too).
    mutating func roundTripMeasured(_ rtt: Duration) {
        nacks?.retryInterval = max(rtt + .milliseconds(10), .milliseconds(20))
    }

    /// The packets to resend for a NACK from downstream, from our own history.
    mutating func resend(for nack: GenericNack, now: Instant) -> [RTPPacket] {
        history.handle(nack, now: now)
    }

    /// A keyframe request from downstream, as the request to send upstream (PLI, or FIR when `fir`); nil while
    /// the source is unknown or a request went up less than `keyframeRelayInterval` ago.
    mutating func relayKeyframeRequest(fir: Bool, now: Instant) -> RTCPPacket? {
        guard route.kind == .video, let source = sourceSSRC else { return nil }
        if let last = lastKeyframeRelay, now - last < Self.keyframeRelayInterval { return nil }
        lastKeyframeRelay = now
        guard fir else {
            return .pictureLossIndication(PictureLossIndication(senderSSRC: route.outboundSSRC, mediaSSRC: source))
        }
        // RFC 5104 §4.3.1.1: the sequence number increases with every new request.
        firSequenceNumber &+= 1
        return .fullIntraRequest(FullIntraRequest(
            senderSSRC: route.outboundSSRC,
            entries: [FullIntraRequest.Entry(ssrc: source, sequenceNumber: firSequenceNumber)]))
    }

    /// Notes a sender report of the source, for the LSR/DLSR of our report blocks.
    mutating func senderReportReceived(ntpTimestamp: UInt64, now: Instant) {
        reception?.senderReportReceived(ntpTimestamp: ntpTimestamp, now: now)
    }

    /// Our report block about the source's stream (RFC 3550 §6.4.1), once it sent something.
    mutating func makeReportBlock(now: Instant) -> ReportBlock? { reception.makeReportBlock(now: now) }
}
