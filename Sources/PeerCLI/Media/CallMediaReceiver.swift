import Media
import PeerRuntime
import RTP
import Wire

/// The receive half of `CallMedia`: video through the jitter buffer (NACK, PLI) into the VP8 decoder, audio
/// through the Opus decoder with FEC/concealment, recording, echo (handing frames to the send half), measurements
/// (PSNR and latency of the test pattern, SNR of a known tone, loss, jitter, A/V sync), and the remote's RTCP.
actor CallMediaReceiver {
    let transport: MediaTransport
    let configuration: CallMediaConfiguration
    let ntp: NTPClock
    /// The send half: echoes, and the feedback about what it sends, go to it.
    let sender: CallMediaSender
    var layout = MediaLayout()
    var videoBuffer: VideoJitterBuffer?
    /// The VP8 decoder on its own thread, behind a queue of `decodeQueueCapacity` frames that drops the oldest.
    let videoDecoding: CodecWorker<VideoDecodeJob>
    /// What the decoder thread reports, taken into the statistics by `outcomeConsumer`.
    private let decodeOutcomes: AsyncStream<VideoDecodeOutcome>
    private let decodeOutcomeSink: AsyncStream<VideoDecodeOutcome>.Continuation
    private var outcomeConsumer: Task<Void, Never>?
    /// Frames the decoder thread may fall behind by before the oldest is dropped (and a keyframe asked for).
    static let decodeQueueCapacity = 8
    var audioPath: OpusReceivePath
    var remoteVideoSSRC: SSRC?
    var remoteAudioSSRC: SSRC?
    var videoReception: ReceiverStatistics?
    var audioReception: ReceiverStatistics?
    var sync = AVSyncEstimator()
    var toneReference: ToneReference?
    var audioSamples: [Int16] = []
    var referenceSamples: [Int16] = []
    var recorder: CallRecorder<FileSink>?
    var isStopped = false
    /// The received half of the statistics.
    var stats = CallMediaStats()
    /// When the first remote video frame was decoded, and the first remote audio frame.
    var firstVideoDecodedAt: Instant?
    var firstAudioDecodedAt: Instant?

    init(transport: MediaTransport, configuration: CallMediaConfiguration, ntp: NTPClock, sender: CallMediaSender)
        throws
    {
        self.transport = transport
        self.configuration = configuration
        self.ntp = ntp
        self.sender = sender
        _ = try VP8Decoder()  // fails here, with libvpx's sentence, rather than on the decoder thread
        (decodeOutcomes, decodeOutcomeSink) = AsyncStream.makeStream(of: VideoDecodeOutcome.self)
        let outcomes = decodeOutcomeSink
        videoDecoding = CodecWorker(name: "linkup VP8 decoder", capacity: Self.decodeQueueCapacity,
                                    makeState: { [tap = configuration.taps.decodedVideo] in
                                        VideoDecodeState(decodedVideo: tap)
                                    },
                                    handle: { state, job in outcomes.yield(state.decode(job)) })
        audioPath = try OpusReceivePath(channels: 1)
        if let frequency = configuration.remoteToneFrequency {
            toneReference = ToneReference(source: ToneSource(frequency: frequency))
        }
        if let recording = configuration.recording {
            recorder = CallRecorder(serialNumber: UInt32.random(in: 1...UInt32.max)) { kind in
                try FileSink(path: kind == .video ? recording.videoPath : recording.audioPath)
            }
        }
    }

    /// Which sections carry what.
    func setLayout(_ layout: MediaLayout) { self.layout = layout }

    /// One RTP packet of the remote, on the section `mid`.
    func receive(_ packet: RTPPacket, mid: Mid) async {
        guard !isStopped else { return }
        stats.packetsReceived += 1
        stats.bytesReceived += packet.encodedSize
        if mid == layout.videoMid {
            await receiveVideo(packet)
        } else if mid == layout.audioMid {
            await receiveAudio(packet)
        }
    }

    /// When the jitter buffer's next timer (give-up, NACK retry, PLI repeat) is due.
    func nextDeadline() -> Instant? {
        isStopped ? nil : videoBuffer?.nextDeadline()
    }

    /// Runs the jitter buffer's timers (give-up, NACK retries, PLI repeats).
    func tick() async {
        guard videoBuffer != nil, !isStopped else { return }
        videoBuffer?.handleTimeout(now: RuntimeClock.now())
        await drainVideo()
    }

    /// Report blocks about the remote's streams (RFC 3550 §6.4.1), for the next sender or receiver report.
    func reportBlocks(now: Instant) -> [ReportBlock] {
        var blocks: [ReportBlock] = []
        if var reception = videoReception {
            blocks.append(reception.makeReportBlock(now: now))
            videoReception = reception
        }
        if var reception = audioReception {
            blocks.append(reception.makeReportBlock(now: now))
            audioReception = reception
        }
        return blocks
    }

    /// Stops receiving, lets the decoder thread finish what it has, and finalizes the recordings.
    func stop() async {
        guard !isStopped else { return }
        isStopped = true
        videoDecoding.finish()
        decodeOutcomeSink.finish()
        await outcomeConsumer?.value
        if var recorder {
            let sinks = recorder.finish()
            try? sinks.video?.close()
            try? sinks.audio?.close()
            self.recorder = recorder
        }
    }

    /// What the recording wrote (nil when not recording).
    func recordingSummary() -> CallMediaSummary.Recording? {
        guard let target = configuration.recording else { return nil }
        return CallMediaSummary.Recording(
            videoPath: recorder?.video != nil ? target.videoPath : nil, videoFrames: recorder?.videoFrames ?? 0,
            audioPath: recorder?.audio != nil ? target.audioPath : nil, audioPackets: recorder?.audioPackets ?? 0,
            error: recorder?.error.map { "\($0)" })
    }

    func receiveVideo(_ packet: RTPPacket) async {
        let now = RuntimeClock.now()
        if videoBuffer == nil {
            videoBuffer = VideoJitterBuffer(rtxPayloadType: layout.rtxPayloadType,
                                            localSSRC: layout.videoSSRC ?? SSRC(1))
        }
        // Loss and jitter over the original stream (RTX copies are repairs, not receptions).
        var newStream = false
        if packet.payloadType != layout.rtxPayloadType {
            if remoteVideoSSRC != packet.ssrc {
                remoteVideoSSRC = packet.ssrc
                newStream = true
                videoReception = ReceiverStatistics(ssrc: packet.ssrc, clockRate: VP8Packetizer.clockRate)
            }
            videoReception?.packetReceived(sequenceNumber: packet.sequenceNumber, rtpTimestamp: packet.timestamp,
                                           arrival: now)
        }
        videoBuffer?.receive(packet, now: now)
        // After the packet is in: an await lets the next one in (reentrancy).
        if newStream { await sender.setRemoteVideoSSRC(packet.ssrc) }
        await drainVideo()
    }

    /// Frames the jitter buffer completed: recorded, echoed, decoded and measured; its feedback sent.
    func drainVideo() async {
        guard var buffer = videoBuffer else { return }
        let output = buffer.poll(now: RuntimeClock.now())
        videoBuffer = buffer
        stats.videoFramesDropped += output.dropped
        // Everything synchronous first: an `await` lets the actor take the next packet (reentrancy), whose frames
        // must not reach the decoder before these.
        var decoderDropped = false
        for (index, frame) in output.frames.enumerated() {
            let timestamp = index < output.frameTimestamps.count ? output.frameTimestamps[index] : 0
            stats.videoFramesReceived += 1
            recorder?.recordVideo(frame, rtpTimestamp: timestamp)
            if !decodeVideo(frame, rtpTimestamp: timestamp) { decoderDropped = true }
        }
        if decoderDropped { await requestKeyframeAfterDecoderDrop() }
        if configuration.video == .echo {
            for (index, frame) in output.frames.enumerated() {
                let timestamp = index < output.frameTimestamps.count ? output.frameTimestamps[index] : 0
                await sender.echoVideo(frame, remoteTimestamp: timestamp)
            }
        }
        if !output.feedback.isEmpty {
            stats.nacksSent += output.nacks
            stats.plisSent += output.plis
            await transport.sendRTCP(output.feedback)
        }
    }

    /// Hands a frame to the decoder thread; false when the decoder had fallen behind and its oldest waiting frame
    /// was dropped to make room.
    private func decodeVideo(_ frame: [UInt8], rtpTimestamp: UInt32) -> Bool {
        if outcomeConsumer == nil {
            let outcomes = decodeOutcomes
            outcomeConsumer = Task { [weak self] in
                for await outcome in outcomes { await self?.videoDecoded(outcome) }
            }
        }
        let kept = videoDecoding.submit(VideoDecodeJob(frame: frame, rtpTimestamp: rtpTimestamp))
        if !kept { stats.decodeQueueDrops = videoDecoding.dropped }
        return kept
    }

    /// The frames after a dropped one cannot decode until a keyframe: ask for one (PLI, RFC 4585 §6.3.1).
    private func requestKeyframeAfterDecoderDrop() async {
        guard let remote = remoteVideoSSRC else { return }
        let pli = PictureLossIndication(senderSSRC: layout.videoSSRC ?? SSRC(1), mediaSSRC: remote)
        stats.plisSent += 1
        await transport.sendRTCP(RTCPCompound(packets: [.pictureLossIndication(pli)]).encoded)
    }

    /// What the decoder thread did with one frame, into the statistics.
    private func videoDecoded(_ outcome: VideoDecodeOutcome) {
        stats.decodeSeconds += outcome.decodeSeconds
        guard outcome.decoded else { return }
        stats.videoFramesDecoded += 1
        if firstVideoDecodedAt == nil { firstVideoDecodedAt = outcome.decodedAt }
        sync.videoPlayed(rtpTimestamp: outcome.rtpTimestamp, localNTP: ntp.ntp(at: outcome.decodedAt))
        if let latency = outcome.latencyMs { stats.latenciesMs.append(latency) }
        if let psnr = outcome.psnr {
            stats.psnrSum += psnr
            stats.psnrCount += 1
        }
    }

    func receiveAudio(_ packet: RTPPacket) async {
        let now = RuntimeClock.now()
        if remoteAudioSSRC != packet.ssrc {
            remoteAudioSSRC = packet.ssrc
            audioReception = ReceiverStatistics(ssrc: packet.ssrc, clockRate: OpusPacketizer.clockRate)
        }
        audioReception?.packetReceived(sequenceNumber: packet.sequenceNumber, rtpTimestamp: packet.timestamp,
                                       arrival: now)
        let payload = Array(packet.payload)
        recorder?.recordAudio(payload)
        let frames = audioPath.receive(sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp,
                                       payload: payload)
        stats.audioFramesConcealed = audioPath.framesConcealed
        stats.audioPacketsLate = audioPath.packetsLate
        for decoded in frames {
            configuration.taps.decodedAudio?(decoded.frame, decoded.rtpTimestamp)
            if !decoded.concealed {
                stats.audioFramesReceived += 1
                if firstAudioDecodedAt == nil { firstAudioDecodedAt = now }
                sync.audioPlayed(rtpTimestamp: decoded.rtpTimestamp, localNTP: ntp.ntp(at: now))
            }
            measureTone(decoded.frame.samples, rtpTimestamp: decoded.rtpTimestamp)
        }
        // Last: the await lets the next packet in, and this one is decoded already.
        if configuration.audio == .echo { await sender.echoAudio(payload, remoteTimestamp: packet.timestamp) }
    }

    /// SNR against the known tone, in one-second windows (so codec delay is found by alignment and old audio is
    /// let go); the reference is the tone at the frame's RTP timestamp, so a lost packet shifts nothing.
    private func measureTone(_ samples: [Int16], rtpTimestamp: UInt32) {
        guard let toneReference else { return }
        audioSamples += samples
        referenceSamples += toneReference.samples(at: Int(rtpTimestamp), count: samples.count)
        if audioSamples.count >= AudioFrame.sampleRate {
            stats.snrSum += Quality.snr(reference: referenceSamples, decoded: audioSamples)
            stats.snrCount += 1
            audioSamples.removeAll(keepingCapacity: true)
            referenceSamples.removeAll(keepingCapacity: true)
        }
    }

    /// RTCP from the remote: feedback about our streams (NACK, PLI, FIR, report blocks) and its sender reports.
    func receiveRTCP(_ bytes: [UInt8]) async {
        guard let compound = try? RTCPCompound(parsing: bytes[...]) else { return }
        let now = RuntimeClock.now()
        for packet in compound.packets {
            switch packet {
            case let .genericNack(nack):
                await sender.retransmit(nack.lostSequenceNumbers)
            case .pictureLossIndication, .fullIntraRequest:
                await sender.keyframeRequested(now: now)
            case let .senderReport(report):
                senderReportReceived(report, now: now)
                await sender.reportsReceived(report.reports, now: now)
            case let .receiverReport(report):
                await sender.reportsReceived(report.reports, now: now)
            default:
                break
            }
        }
    }

    private func senderReportReceived(_ report: SenderReport, now: Instant) {
        if report.ssrc == remoteVideoSSRC {
            videoReception?.senderReportReceived(ntpTimestamp: report.ntpTimestamp, now: now)
            sync.videoSenderReport(ntpTimestamp: report.ntpTimestamp, rtpTimestamp: report.rtpTimestamp)
        } else if report.ssrc == remoteAudioSSRC {
            audioReception?.senderReportReceived(ntpTimestamp: report.ntpTimestamp, now: now)
            sync.audioSenderReport(ntpTimestamp: report.ntpTimestamp, rtpTimestamp: report.rtpTimestamp)
        }
    }

    /// The received half of the statistics, with loss, jitter and A/V offset brought up to date.
    func currentStats() -> CallMediaStats {
        refreshReceptionStats()
        return stats
    }

    /// Loss, jitter and A/V offset of what we receive, into `stats`.
    func refreshReceptionStats() {
        let receptions = [videoReception, audioReception].compactMap { $0 }
        let expected = receptions.reduce(UInt64(0)) { $0 + $1.packetsExpected }
        let lost = receptions.reduce(Int64(0)) { $0 + max($1.cumulativeLost, 0) }
        stats.receivedLossFraction = expected > 0 ? Double(lost) / Double(expected) : nil
        if let video = videoReception { stats.receivedJitterMs = Double(video.jitter) / 90 }
        stats.avSyncOffsetMs = sync.offsetMs
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
