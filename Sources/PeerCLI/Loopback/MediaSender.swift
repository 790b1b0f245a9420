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
    private var videoPath = VideoSendPath()
    private var history = RetransmissionStore(capacity: 1024)
    private var keyframeRequested = false
    private let videoMid: Mid?
    private let audioMid: Mid?
    private var audioTimestamp: UInt32 = 0
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
            let packets = videoPath.packets(for: output)
            let sent: [RTPPacket] = (try? await runtime.withMachine { machine, _ in
                var sent: [RTPPacket] = []
                for packet in packets {
                    sent.append(try machine.machine.sendRTP(mid: mid, payload: packet.payload[...],
                                                            timestamp: timestamp, marker: packet.marker))
                }
                return sent
            }) ?? []
            for packet in sent {
                history.store(packet)
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
        let packets = sequenceNumbers.compactMap { history.packet($0) }
        guard !packets.isEmpty else { return }
        let resent = (try? await runtime.withMachine { machine, _ in
            for packet in packets { try machine.machine.resendRTX(packet, mid: mid) }
            return packets.count
        }) ?? 0
        stats.packetsRetransmitted += resent
    }

    /// The receiver lost a frame it cannot repair (PLI, RFC 4585 §6.3.1): the next frame is a keyframe.
    func requestKeyframe() { keyframeRequested = true }
}

/// The last `capacity` packets sent, by sequence number, for answering NACKs.
struct RetransmissionStore {
    private var packets: [UInt16: RTPPacket] = [:]
    private var order: [UInt16] = []
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    mutating func store(_ packet: RTPPacket) {
        if packets.updateValue(packet, forKey: packet.sequenceNumber) == nil { order.append(packet.sequenceNumber) }
        if order.count > capacity { packets[order.removeFirst()] = nil }
    }

    func packet(_ sequenceNumber: UInt16) -> RTPPacket? { packets[sequenceNumber] }
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
