import Media
import Peer
import PeerRuntime
import RTP
import Wire

/// One side's incoming media in `linkup loopback`: RTP into a jitter buffer (with NACK and PLI feedback), frames into
/// the VP8 and Opus decoders, and every decoded frame measured against what the other side sent: PSNR against the
/// regenerated test pattern, latency from the capture time embedded in the picture, SNR against the tone.
actor MediaReceiver {
    typealias Runtime = MachineRuntime<LossyMachine<Peer>>

    private let runtime: Runtime
    private let pattern: TestPatternSource
    private let videoDecoder: VP8Decoder
    private let audioDecoder: OpusDecoder
    private var reference: ToneReference
    private var videoPath: VideoJitterBuffer
    private let videoMid: Mid?
    private let audioMid: Mid?
    /// The sender on the same side: RTCP feedback about what it sent (NACK, PLI) goes to it.
    private let localSender: MediaSender
    private var audioSamples: [Int16] = []
    private var referenceSamples: [Int16] = []
    private(set) var stats = DirectionStats()
    /// RFC 3550 §A.3/A.8 statistics of the other side's video stream, for receiver reports.
    private var videoStatistics: ReceiverStatistics?
    private(set) var connectedAt: Instant?
    private(set) var failure: String?

    init(runtime: Runtime, format: VideoFormat, toneFrequency: Double, videoMid: Mid?, audioMid: Mid?,
         localSender: MediaSender, rtxPayloadType: PayloadType?) throws {
        self.runtime = runtime
        pattern = TestPatternSource(width: format.width, height: format.height)
        videoDecoder = try VP8Decoder()
        audioDecoder = try OpusDecoder(channels: 1)
        reference = ToneReference(source: ToneSource(frequency: toneFrequency))
        videoPath = VideoJitterBuffer(rtxPayloadType: rtxPayloadType)
        self.videoMid = videoMid
        self.audioMid = audioMid
        self.localSender = localSender
    }

    /// Follows the peer's events until the stream ends.
    func consume(_ events: AsyncStream<PeerEvent>) async {
        for await event in events { await handle(event) }
    }

    func handle(_ event: PeerEvent) async {
        switch event {
        case .connectionStateChanged(.connected):
            if connectedAt == nil { connectedAt = RuntimeClock.now() }
        case let .failed(error):
            failure = error.description
        case let .rtp(mid, packet):
            stats.packetsReceived += 1
            if mid == videoMid {
                countVideo(packet)
                videoPath.receive(packet, now: RuntimeClock.now())
                await drainVideo()
            } else if mid == audioMid {
                receiveAudio(packet)
            }
        case let .rtcp(bytes):
            await receiveRTCP(bytes)
        default:
            break
        }
    }

    /// Runs the jitter buffer's timers (give-up, NACK retries, PLI repeats).
    func tick() async {
        videoPath.handleTimeout(now: RuntimeClock.now())
        await drainVideo()
    }

    private func drainVideo() async {
        let output = videoPath.poll(now: RuntimeClock.now())
        stats.videoFramesDropped += output.dropped
        for frame in output.frames {
            stats.videoFramesReceived += 1
            let started = processThreadCPU()
            guard let decoded = try? videoDecoder.decode(frame) else { continue }
            stats.decodeSeconds += processThreadCPU() - started
            stats.videoFramesDecoded += 1
            if let (number, captureTime) = TestPatternReader.read(decoded) {
                stats.latenciesMs.append((RuntimeClock.now() - captureTime).milliseconds)
                let sent = pattern.frame(number: number, captureTime: captureTime)
                stats.psnrSum += Quality.psnr(reference: sent, decoded: decoded)
                stats.psnrCount += 1
            }
        }
        if !output.feedback.isEmpty {
            stats.nacksSent += output.nacks
            stats.plisSent += output.plis
            let compound = output.feedback
            _ = try? await runtime.withMachine { machine, _ in try machine.machine.sendRTCP(compound) }
        }
    }

    /// Loss and jitter accounting over the original stream (RTX copies are repairs, not receptions).
    private func countVideo(_ packet: RTPPacket) {
        guard packet.payloadType != videoPath.rtxPayloadType else { return }
        if videoStatistics == nil { videoStatistics = ReceiverStatistics(ssrc: packet.ssrc, clockRate: 90_000) }
        videoStatistics?.packetReceived(sequenceNumber: packet.sequenceNumber, rtpTimestamp: packet.timestamp,
                                        arrival: RuntimeClock.now())
    }

    /// A receiver report about the other side's video (RFC 3550 §6.4.2): loss, jitter and LSR/DLSR for its RTT.
    func sendReport() async {
        guard var statistics = videoStatistics else { return }
        let block = statistics.makeReportBlock(now: RuntimeClock.now())
        videoStatistics = statistics
        let bytes = RTCPCompound(packets: [.receiverReport(ReceiverReport(ssrc: SSRC(1), reports: [block]))]).encoded
        _ = try? await runtime.withMachine { machine, _ in try machine.machine.sendRTCP(bytes) }
    }

    private func receiveAudio(_ packet: RTPPacket) {
        guard let frame = try? audioDecoder.decode(Array(packet.payload)) else { return }
        stats.audioFramesReceived += 1
        audioSamples += frame.samples
        // The reference is the tone at this packet's RTP timestamp (the sender starts both at 0), so a lost
        // packet does not shift every later comparison.
        referenceSamples += reference.samples(at: Int(packet.timestamp), count: frame.samples.count)
        // Measure in one-second windows, so codec delay is found by alignment and old audio is let go.
        if audioSamples.count >= AudioFrame.sampleRate {
            stats.snrSum += Quality.snr(reference: referenceSamples, decoded: audioSamples)
            stats.snrCount += 1
            audioSamples.removeAll(keepingCapacity: true)
            referenceSamples.removeAll(keepingCapacity: true)
        }
    }

    /// RTCP from the other side about what this side sends: NACKs and PLIs go to the local sender.
    private func receiveRTCP(_ bytes: [UInt8]) async {
        guard let compound = try? RTCPCompound(parsing: bytes[...]) else { return }
        for packet in compound.packets {
            switch packet {
            case let .genericNack(nack):
                await localSender.retransmit(nack.lostSequenceNumbers)
            case .pictureLossIndication, .fullIntraRequest:
                await localSender.requestKeyframe()
            case let .senderReport(report):
                videoStatistics?.senderReportReceived(ntpTimestamp: report.ntpTimestamp, now: RuntimeClock.now())
            case let .receiverReport(report):
                for block in report.reports { await localSender.receiverReported(block) }
            default:
                break
            }
        }
    }
}

/// The tone a `ToneSource` produced, at any sample position: regenerated from the first frame's samples, which
/// repeat with the tone's period only for whole-hertz tones at 48 kHz (440 and 660 Hz: period 1/20 s = 2400 samples).
struct ToneReference {
    private let period: [Int16]

    init(source: ToneSource) {
        var source = source
        var samples: [Int16] = []
        while samples.count < AudioFrame.sampleRate / 20 { samples += source.nextFrame().samples }
        period = Array(samples.prefix(AudioFrame.sampleRate / 20))
    }

    func samples(at position: Int, count: Int) -> [Int16] {
        (0..<count).map { period[(position + $0) % period.count] }
    }
}
