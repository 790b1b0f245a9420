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
    private var lastSenderReport: (compact: UInt32, arrival: Instant)?
    private var videoSequence = SequenceNumberUnwrapper()
    private var videoBase: UInt64?
    private var videoHighest: UInt64 = 0
    private var videoReceived = 0
    private var lastExpected = 0, lastReceived = 0
    private var remoteVideoSSRC: SSRC?
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

    /// Loss accounting over the original stream (RTX copies are repairs, not receptions), RFC 3550 §A.3.
    private func countVideo(_ packet: RTPPacket) {
        guard packet.payloadType != videoPath.rtxPayloadType else { return }
        remoteVideoSSRC = packet.ssrc
        let sequence = videoSequence.unwrap(packet.sequenceNumber).rawValue
        if videoBase == nil { videoBase = sequence }
        videoHighest = max(videoHighest, sequence)
        videoReceived += 1
    }

    /// A receiver report about the other side's video (RFC 3550 §6.4.2): loss and LSR/DLSR for its RTT.
    func sendReport() async {
        guard let ssrc = remoteVideoSSRC, let base = videoBase else { return }
        let expected = Int(videoHighest - base) + 1
        let intervalExpected = expected - lastExpected, intervalReceived = videoReceived - lastReceived
        lastExpected = expected
        lastReceived = videoReceived
        let intervalLost = max(0, intervalExpected - intervalReceived)
        let fraction = intervalExpected > 0 ? UInt8(min(255, intervalLost * 256 / intervalExpected)) : 0
        var lsr: UInt32 = 0, dlsr: UInt32 = 0
        if let last = lastSenderReport {
            lsr = last.compact
            dlsr = UInt32(clamping: Int64((RuntimeClock.now() - last.arrival).milliseconds * 65.536))
        }
        let block = ReportBlock(ssrc: ssrc, fractionLost: fraction, cumulativeLost: Int32(expected - videoReceived),
                                extendedHighestSequenceNumber: UInt32(truncatingIfNeeded: videoHighest),
                                jitter: 0, lastSenderReport: lsr, delaySinceLastSenderReport: dlsr)
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
                lastSenderReport = (report.compactNTP, RuntimeClock.now())
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
