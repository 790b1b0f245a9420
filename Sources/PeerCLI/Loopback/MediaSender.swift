import Media
import Peer
import PeerRuntime
import RTP
import Wire

/// One side's outgoing media in `linkup loopback`: the test pattern through VP8 and a tone through Opus, packetized
/// and sent on the peer, with a retransmission history that answers NACKs with RTX and a keyframe on PLI.
actor MediaSender {
    typealias Runtime = MachineRuntime<LossyMachine<Peer>>

    private let runtime: Runtime
    private let format: VideoFormat
    private let pattern: TestPatternSource
    private var tone: ToneSource
    private let videoEncoder: VP8Encoder
    private let audioEncoder: OpusEncoder
    /// The Peer assigns SSRC, sequence number and payload type when it sends; only payloads and markers are used.
    private var packetizer = VP8Packetizer(ssrc: SSRC(0), payloadType: PayloadType(truncating: 0), initialSequenceNumber: 0)
    private var history = RetransmissionHistory(capacity: 1024)
    private var keyframeRequested = false
    private let videoMid: Mid?
    private let audioMid: Mid?
    private var audioTimestamp: UInt32 = 0
    private var videoSSRC: SSRC?
    private(set) var stats = DirectionStats()

    init(runtime: Runtime, format: VideoFormat, bitrate: Int, toneFrequency: Double, videoMid: Mid?, audioMid: Mid?)
        throws
    {
        self.runtime = runtime
        self.format = format
        pattern = TestPatternSource(width: format.width, height: format.height)
        tone = ToneSource(frequency: toneFrequency)
        var configuration = VP8EncoderConfiguration(width: format.width, height: format.height, bitrate: bitrate)
        configuration.frameRate = format.fps
        videoEncoder = try VP8Encoder(configuration)
        audioEncoder = try OpusEncoder(channels: 1, bitrate: 32_000)
        self.videoMid = videoMid
        self.audioMid = audioMid
    }

    /// Encodes and sends video frame `number`, captured now.
    func sendVideoFrame(number: UInt32) async {
        guard let mid = videoMid else { return }
        let captureTime = RuntimeClock.now()
        let frame = pattern.frame(number: number, captureTime: captureTime)
        let started = processThreadCPU()
        let force = keyframeRequested
        keyframeRequested = false
        guard let encoded = try? videoEncoder.encode(frame, forceKeyframe: force) else { return }
        stats.encodeSeconds += processThreadCPU() - started
        stats.videoFramesSent += 1
        let timestamp = UInt32(truncatingIfNeeded: Int64(number) * Int64(90_000 / format.fps))
        for output in encoded {
            if output.isKeyframe { stats.keyframesSent += 1 }
            let packets = packetizer.packetize(frame: output.data[...], timestamp: timestamp,
                                               keyframe: output.isKeyframe)
            let sent: [RTPPacket] = (try? await runtime.withMachine { machine, _ in
                var sent: [RTPPacket] = []
                for packet in packets {
                    sent.append(try machine.machine.sendRTP(mid: mid, payload: packet.payload,
                                                            timestamp: timestamp, marker: packet.marker))
                }
                return sent
            }) ?? []
            for packet in sent {
                videoSSRC = packet.ssrc
                history.packetSent(packet)
                stats.packetsSent += 1
                stats.bytesSent += packet.encodedSize
            }
        }
    }

    /// Encodes and sends the next 20 ms of tone.
    func sendAudioFrame() async {
        guard let mid = audioMid else { return }
        let frame = tone.nextFrame(timestamp: RuntimeClock.now())
        guard let packet = try? audioEncoder.encode(frame) else { return }
        let timestamp = audioTimestamp
        audioTimestamp &+= UInt32(AudioFrame.samplesPerChannel20ms)
        let sent = try? await runtime.withMachine { machine, _ in
            try machine.machine.sendRTP(mid: mid, payload: packet[...], timestamp: timestamp)
        }
        if let sent {
            stats.audioFramesSent += 1
            stats.packetsSent += 1
            stats.bytesSent += sent.encodedSize
        }
    }

    /// The receiver asked for these sequence numbers again (RFC 4585 §6.2.1): resend what the history still has,
    /// as RTX (RFC 4588).
    func retransmit(_ sequenceNumbers: [UInt16]) async {
        guard let mid = videoMid else { return }
        let packets = sequenceNumbers.compactMap { history.packet(sequenceNumber: $0) }
        guard !packets.isEmpty else { return }
        let resent = (try? await runtime.withMachine { machine, _ in
            for packet in packets { try machine.machine.resendRTX(packet, mid: mid) }
            return packets.count
        }) ?? 0
        stats.packetsRetransmitted += resent
    }

    /// Sends a sender report for the video stream (RFC 3550 §6.4.1): its NTP time lets the receiver answer with
    /// LSR/DLSR, from which `receiverReported` computes the round-trip time.
    func sendReport() async {
        guard videoMid != nil, let ssrc = videoSSRC else { return }
        let report = SenderReport(ssrc: ssrc, ntpTimestamp: loopbackNTP.ntp(at: RuntimeClock.now()), rtpTimestamp: 0,
                                  packetCount: UInt32(truncatingIfNeeded: stats.packetsSent),
                                  octetCount: UInt32(truncatingIfNeeded: stats.bytesSent))
        let bytes = RTCPCompound(packets: [.senderReport(report)]).encoded
        _ = try? await runtime.withMachine { machine, _ in try machine.machine.sendRTCP(bytes) }
    }

    /// A report block about this side's video arrived: RTT = arrival - LSR - DLSR (RFC 3550 §6.4.1), and the loss
    /// the receiver saw.
    func receiverReported(_ block: ReportBlock) {
        guard block.ssrc == videoSSRC, block.lastSenderReport != 0 else { return }
        let now = loopbackNTP.compactNTP(at: RuntimeClock.now())
        let rtt = now &- block.lastSenderReport &- block.delaySinceLastSenderReport
        stats.rttMs = Double(rtt) * 1000 / 65536
        stats.fractionLost = Double(block.fractionLost) / 256
    }

    /// The receiver lost a frame it cannot repair (PLI, RFC 4585 §6.3.1): the next frame is a keyframe.
    func requestKeyframe() { keyframeRequested = true }
}

/// CPU time of the calling thread, for per-codec cost (CLOCK_THREAD_CPUTIME_ID).
func processThreadCPU() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

#if canImport(Glibc)
import Glibc
#endif

/// Both ends of the loopback share this process's monotonic clock; RTT needs only differences, so NTP time is
/// simply that clock (RFC 5905 §6 fixed point) from its epoch.
let loopbackNTP = NTPClock(referenceInstant: .zero, referenceNTP: 0)
