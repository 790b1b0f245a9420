import RTP
import SDP
import Wire

/// The receive pipeline of one stream an endpoint decodes: video through the jitter buffer (RTX unwrapped, NACK,
/// frames withheld after a loss until a keyframe, PLI; `VideoJitterBuffer`) into decode requests; audio packets
/// straight into decode requests (the decoder conceals gaps). Reception statistics feed our report blocks.
struct InboundMediaStream {
    /// What one packet or timer produced.
    struct Output {
        var requests: [MediaEvent] = []
        /// NACK/PLI to send, as one reduced-size compound (RFC 5506); empty when none.
        var feedback: [UInt8] = []
        var nacks = 0
        var plis = 0
        var framesDropped = 0
    }

    let layout: EndpointLayout.Inbound
    /// False for a decoding tap beside forwarding (`bot --mode echo --verify`): the forwarder NACKs and relays
    /// keyframe requests, so this pipeline only decodes and asks for nothing.
    let sendsFeedback: Bool
    private var jitterBuffer: VideoJitterBuffer?
    /// Audio only: packets back in order before the decoder.
    private(set) var audioOrder = AudioReorderBuffer()
    private(set) var remoteSSRC: SSRC?
    private(set) var reception: ReceiverStatistics?

    init(layout: EndpointLayout.Inbound, sendsFeedback: Bool) {
        self.layout = layout
        self.sendsFeedback = sendsFeedback
        if layout.kind == .video {
            jitterBuffer = VideoJitterBuffer(rtxPayloadType: layout.rtxPayloadType, localSSRC: layout.localSSRC)
        }
    }

    /// Whether `packet` is an RTX repair rather than the stream itself.
    private func isRepair(_ packet: RTPPacket) -> Bool {
        layout.rtxPayloadType.map { $0 == packet.payloadType } ?? false
    }

    /// One packet of the stream (or an RTX repair of one).
    mutating func receive(_ packet: RTPPacket, now: Instant) -> Output {
        if !isRepair(packet) {
            if packet.ssrc != remoteSSRC {
                remoteSSRC = packet.ssrc
                reception = ReceiverStatistics(ssrc: packet.ssrc, clockRate: layout.clockRate)
            }
            reception?.packetReceived(sequenceNumber: packet.sequenceNumber, rtpTimestamp: packet.timestamp,
                                      arrival: now)
        }
        guard jitterBuffer != nil else {
            guard !isRepair(packet), !packet.payload.isEmpty else { return Output() }
            return decodeAudio(audioOrder.insert(packet, now: now))
        }
        jitterBuffer?.receive(packet, now: now)
        return poll(now: now)
    }

    private mutating func decodeAudio(_ packets: [RTPPacket]) -> Output {
        var output = Output()
        for packet in packets {
            output.requests.append(.decodeAudio(AudioDecodeRequest(
                sequenceNumber: packet.sequenceNumber, rtpTimestamp: packet.timestamp, payload: Array(packet.payload))))
        }
        return output
    }

    /// Runs the jitter buffer's timers (give-up, NACK retries, PLI repeats) or gives up an audio gap.
    mutating func handleTimeout(now: Instant) -> Output {
        guard jitterBuffer != nil else { return decodeAudio(audioOrder.handleTimeout(now: now)) }
        jitterBuffer?.handleTimeout(now: now)
        return poll(now: now)
    }

    /// The decoder fell behind and dropped frames: ask the sender for a keyframe (RFC 4585 §6.3.1).
    mutating func requestKeyframe(now: Instant) -> Output {
        guard jitterBuffer != nil else { return Output() }
        jitterBuffer?.requestKeyframe()
        return poll(now: now)
    }

    /// NACK retries follow the measured round trip (with a floor: the sender needs time to answer too), and so
    /// does the time an incomplete frame waits: two NACK rounds plus four times the measured interarrival jitter
    /// (RFC 3550 §6.4.1), between 100 ms and 1 s.
    mutating func roundTripMeasured(_ rtt: Duration) {
        jitterBuffer?.nackInterval = max(rtt + .milliseconds(10), .milliseconds(20))
        let jitter = Duration.nanoseconds(Int64(reception?.jitter ?? 0) * 1_000_000_000 / Int64(max(layout.clockRate, 1)))
        let wait = rtt * 2 + jitter * 4 + .milliseconds(40)
        jitterBuffer?.maximumWait = min(max(wait, .milliseconds(100)), .seconds(1))
    }

    /// How long an incomplete video frame waits now (nil for audio).
    var videoWait: Duration? { jitterBuffer?.maximumWait }

    private mutating func poll(now: Instant) -> Output {
        guard var buffer = jitterBuffer else { return Output() }
        let polled = buffer.poll(now: now)
        jitterBuffer = buffer
        var output = Output()
        output.framesDropped = polled.dropped
        for (index, frame) in polled.frames.enumerated() {
            let timestamp = index < polled.frameTimestamps.count ? polled.frameTimestamps[index] : 0
            output.requests.append(.decodeVideo(VideoDecodeRequest(frame: frame, rtpTimestamp: timestamp)))
        }
        if sendsFeedback, !polled.feedback.isEmpty {
            output.feedback = polled.feedback
            output.nacks = polled.nacks
            output.plis = polled.plis
        }
        return output
    }

    /// When the jitter buffer's next timer is due (or an audio gap is given up).
    func nextDeadline() -> Instant? { jitterBuffer != nil ? jitterBuffer?.nextDeadline() : audioOrder.nextDeadline() }

    /// Notes a sender report of the remote, for the LSR/DLSR of our report blocks.
    mutating func senderReportReceived(ntpTimestamp: UInt64, now: Instant) {
        reception?.senderReportReceived(ntpTimestamp: ntpTimestamp, now: now)
    }

    /// Our report block about the remote's stream (RFC 3550 §6.4.1), once it sent something.
    mutating func makeReportBlock(now: Instant) -> ReportBlock? { reception.makeReportBlock(now: now) }
}
