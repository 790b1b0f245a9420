import RTP
import SDP
import Wire

/// The send pipeline of one stream an endpoint encodes: encoded frames in, RTP packets out (RFC 7741 for VP8,
/// RFC 7587 for Opus), numbered from a random start (RFC 3550 §5.1), remembered to answer NACKs (as RTX when
/// negotiated, RFC 4588), counted for sender reports. The codec is outside: it hands frames in.
struct OutboundMediaStream: Sendable {
    let layout: EndpointLayout.Outbound
    private var packetizer: VP8Packetizer
    private var nextSequenceNumber: UInt16
    private let initialTimestamp: UInt32
    /// Opus timestamps count samples (RFC 7587 §4.2), so capture-time jitter never reaches them.
    private var audioSamplesSent: UInt64 = 0
    private let extensions: RTPHeaderExtensions?
    /// What left, for NACKs (RFC 4585 §6.2.1).
    private(set) var history: RetransmissionHistory
    /// What left, for our sender reports.
    private(set) var sending: SenderStatistics
    /// A keyframe is owed: the remote asked (PLI/FIR) or nothing was sent yet.
    var keyframeOwed = true

    init(layout: EndpointLayout.Outbound, random: inout any RandomNumberGenerator) {
        self.layout = layout
        nextSequenceNumber = UInt16.random(in: 0...0x7FFF, using: &random)
        initialTimestamp = UInt32.random(in: 0...UInt32.max, using: &random)
        packetizer = VP8Packetizer(ssrc: layout.ssrc, payloadType: layout.payloadType,
                                   initialSequenceNumber: 0,
                                   initialPictureID: UInt16.random(in: 0...0x7FFF, using: &random))
        if let id = layout.midExtensionID {
            var block = RTPHeaderExtensions()
            block.setMid(layout.mid, id: id)
            extensions = block
        } else {
            extensions = nil
        }
        // 2 s of 1 Mbit/s video in 1200-byte packets; audio is never resent (a late packet is worth nothing).
        history = RetransmissionHistory(capacity: layout.kind == .video ? 256 : 1, rtx: layout.rtx)
        sending = SenderStatistics(ssrc: layout.ssrc, clockRate: layout.clockRate)
    }

    /// The RTP time of `instant` on this stream's clock, counted from `origin` (the session's media start).
    private func rtpTime(_ instant: Instant, origin: Instant) -> UInt32 {
        let microseconds = (instant - origin).wholeNanoseconds / 1000
        return initialTimestamp &+ UInt32(truncatingIfNeeded: microseconds * Int64(layout.clockRate) / 1_000_000)
    }

    /// The packets of one encoded VP8 frame captured at `captureTime`.
    mutating func packetizeVideo(_ frame: [UInt8], isKeyframe: Bool, captureTime: Instant, origin: Instant)
        -> [RTPPacket]
    {
        let timestamp = rtpTime(captureTime, origin: origin)
        var packets = packetizer.packetize(frame: frame[...], timestamp: timestamp, keyframe: isKeyframe)
        for index in packets.indices { stamp(&packets[index], captureTime: captureTime) }
        if isKeyframe { keyframeOwed = false }
        return packets
    }

    /// The packet of one Opus frame of `samples` samples per channel.
    mutating func packetizeAudio(_ payload: [UInt8], samples: Int, captureTime: Instant) -> RTPPacket {
        let timestamp = initialTimestamp &+ UInt32(truncatingIfNeeded: audioSamplesSent)
        audioSamplesSent &+= UInt64(max(samples, 0))
        var packet = RTPPacket(marker: false, payloadType: layout.payloadType, sequenceNumber: 0,
                               timestamp: timestamp, ssrc: layout.ssrc, payload: payload[...])
        stamp(&packet, captureTime: captureTime)
        return packet
    }

    /// Our sequence number and extensions on a packet about to leave, remembered for NACKs and reports.
    private mutating func stamp(_ packet: inout RTPPacket, captureTime: Instant) {
        packet.sequenceNumber = nextSequenceNumber
        nextSequenceNumber &+= 1
        packet.extensions = extensions
        history.packetSent(packet)
        sending.packetSent(packet, captureTime: captureTime)
    }

    /// The sequence number of the last packet sent.
    private var lastSequenceNumber: UInt16? { history.rtx == nil ? nil : nextSequenceNumber &- 1 }

    /// An RTX copy of the latest packet sent, as padding for a bandwidth probe (RTX carries a useful payload where
    /// padding-only packets would not); nil without RTX or before anything was sent.
    mutating func latestAsRTX() -> RTPPacket? {
        guard let sequence = lastSequenceNumber, let original = history.packet(sequenceNumber: sequence) else {
            return nil
        }
        return history.wrap(original)
    }

    /// Bounds resends under congestion control: at most `bytesPerSecond`, and one packet not again within
    /// `minInterval` (a round trip: a repeated NACK may have crossed our first resend).
    mutating func limitResends(bytesPerSecond: Int, minInterval: Duration) {
        history.maxResendBytesPerSecond = bytesPerSecond
        history.minResendInterval = minInterval
    }

    /// The packets to resend for a NACK, from the history (RTX-wrapped when negotiated).
    mutating func resend(for nack: GenericNack, now: Instant) -> [RTPPacket] {
        history.handle(nack, now: now)
    }
}
