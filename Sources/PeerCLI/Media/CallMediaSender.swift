import Media
import PeerRuntime
import RTP
import Wire

/// The send half of `CallMedia`: sources on their clocks, encoding, packetizing, the retransmission history that
/// answers NACKs with RTX, keyframes on request, and sender reports. An actor of its own, so encoding a frame never
/// delays the decoding of the remote's (the two halves run in parallel).
actor CallMediaSender {
    let transport: MediaTransport
    let configuration: CallMediaConfiguration
    /// This side's wall clock as NTP, for sender reports and RTT.
    let ntp: NTPClock
    var layout = MediaLayout()
    var videoEncoder: VP8Encoder?
    var pattern: TestPatternSource?
    var ivf: IVFLoopSource?
    var tone: ToneSource?
    var audioEncoder: OpusEncoder?
    var ogg: OggOpusLoopSource?
    /// Live devices, each on its capture thread.
    var camera: DeviceCaptureThread<VideoFrame>?
    var microphone: DeviceCaptureThread<AudioFrame>?
    /// Payload descriptors only: the Peer assigns SSRC, sequence number and payload type when it sends.
    var packetizer = VP8Packetizer(ssrc: SSRC(0), payloadType: PayloadType(truncating: 0), initialSequenceNumber: 0)
    var history = RetransmissionHistory(capacity: 1024)
    var keyframeRequested = false
    /// An IVF source waits for the file's next keyframe (see `videoLoop`).
    var fileNeedsKeyframe = true
    var videoSender: SenderStatistics?
    var audioSender: SenderStatistics?
    /// The instant RTP time 0 of both outgoing streams stands for (set when media starts).
    var mediaStart: Instant?
    var audioTimestamp: UInt32 = 0
    /// Echo: the remote's first RTP timestamps and ours at that moment, so echoed frames keep their spacing.
    var echoVideoBase: (remote: UInt32, local: UInt32)?
    var echoAudioBase: (remote: UInt32, local: UInt32)?
    var lastForwardedKeyframeRequest: Instant?
    /// The remote's video SSRC (from the receive half): where an echo forwards keyframe requests.
    var remoteVideoSSRC: SSRC?
    var isStopped = false
    /// The sent half of the statistics.
    var stats = CallMediaStats()

    /// Opens the encoders or files `configuration` names.
    init(transport: MediaTransport, configuration: CallMediaConfiguration, ntp: NTPClock) throws {
        self.transport = transport
        self.configuration = configuration
        self.ntp = ntp
        switch configuration.video {
        case let .testPattern(format):
            pattern = TestPatternSource(width: format.width, height: format.height)
            var settings = VP8EncoderConfiguration(width: format.width, height: format.height,
                                                   bitrate: configuration.videoBitrate)
            settings.frameRate = format.fps
            videoEncoder = try VP8Encoder(settings)
        case let .ivf(path):
            ivf = try IVFLoopSource(path: path)
        case let .camera(path, format):
            camera = try DeviceCaptureThread(name: "linkup camera \(path)") {
                let device = try V4L2Camera(path: path, width: format.width, height: format.height,
                                            framesPerSecond: format.fps)
                return .init(read: { try device.nextFrame(timeout: .milliseconds(200)) }, close: { device.close() },
                             frameDuration: nil)
            }
        case let .screen(display, fps):
            camera = try DeviceCaptureThread(name: "linkup screen \(display ?? "")") {
                let screen = try X11ScreenCapture(display: display)
                return .init(read: { try screen.nextFrame() }, close: { screen.close() },
                             frameDuration: .nanoseconds(1_000_000_000 / Int64(max(1, fps))))
            }
        case .echo, .none:
            break
        }
        switch configuration.audio {
        case let .tone(frequency):
            tone = ToneSource(frequency: frequency)
            audioEncoder = try OpusEncoder(channels: 1, bitrate: configuration.audioBitrate)
        case let .ogg(path):
            ogg = try OggOpusLoopSource(path: path)
        case let .microphone(name):
            audioEncoder = try OpusEncoder(channels: 1, bitrate: configuration.audioBitrate)
            microphone = try DeviceCaptureThread(name: "linkup microphone \(name)") {
                let device = try ALSACapture(device: name, channels: 1)
                return .init(read: { try device.read() }, close: { device.close() }, frameDuration: .milliseconds(20))
            }
        case .echo, .none:
            break
        }
    }

    /// Which sections to send on.
    func setLayout(_ layout: MediaLayout) { self.layout = layout }

    /// The remote's video SSRC, once known.
    func setRemoteVideoSSRC(_ ssrc: SSRC) { remoteVideoSSRC = ssrc }

    /// Starts the RTP clocks (once).
    func startMedia(at instant: Instant) { if mediaStart == nil { mediaStart = instant } }

    /// Whether a video or audio loop has anything to send.
    var hasVideoSource: Bool { pattern != nil || ivf != nil || camera != nil }
    var hasAudioSource: Bool { tone != nil || ogg != nil || microphone != nil }

    /// Stops the loops and closes the capture devices.
    func stop() {
        isStopped = true
        camera?.stop()
        microphone?.stop()
    }

    /// Test pattern at its frame rate, or the IVF file at its own pace, on a schedule that does not drift.
    func videoLoop(until end: Instant?) async {
        if let camera {
            let failed = await deviceLoop(camera.frames, until: end) { await self.sendCapturedFrame($0) }
            if failed { await blackLoop(until: end) }
            return
        }
        let start = RuntimeClock.now()
        var number: UInt32 = 0
        while !Task.isCancelled, !isStopped {
            let due: Instant
            var fileFrame: (data: [UInt8], isKeyframe: Bool)?
            if case let .testPattern(format) = configuration.video {
                due = start + .nanoseconds(Int64(number) * (1_000_000_000 / Int64(format.fps)))
            } else if var source = ivf {
                let next = source.next()
                ivf = source
                due = start + next.due
                fileFrame = (next.data, next.isKeyframe)
            } else {
                return
            }
            if let end, due >= end { return }
            await sleep(until: due)
            if let fileFrame {
                // A file cannot make a keyframe on demand: until one got through (at the start, or after a frame
                // could not be sent), skip to the file's next keyframe, so the remote never gets a broken chain.
                if fileNeedsKeyframe, !fileFrame.isKeyframe { continue }
                fileNeedsKeyframe = !(await sendEncodedVideo(fileFrame.data, isKeyframe: fileFrame.isKeyframe,
                                                             captureTime: due))
            } else {
                await sendPatternFrame(number: number)
            }
            number &+= 1
        }
    }

    /// Tone every 20 ms, or the Ogg file's packets at their durations.
    func audioLoop(until end: Instant?) async {
        if let microphone {
            await deviceLoop(microphone.frames, until: end) { await self.sendCapturedAudio($0) }
            return
        }
        let start = RuntimeClock.now()
        var elapsedSamples: Int64 = 0
        while !Task.isCancelled, !isStopped {
            let due = start + .nanoseconds(elapsedSamples * 1_000_000_000 / 48_000)
            if let end, due >= end { return }
            await sleep(until: due)
            guard let samples = await sendNextAudioFrame(captureTime: due) else { return }
            elapsedSamples += Int64(samples)
        }
    }

    /// Encodes the tone's next 20 ms (or takes the Ogg file's next packet) and sends it as captured at
    /// `captureTime`; returns its duration in 48 kHz samples, nil when there is no audio source.
    func sendNextAudioFrame(captureTime: Instant) async -> Int? {
        if tone != nil, let encoder = audioEncoder {
            guard let tone = tone?.nextFrame(timestamp: captureTime) else { return nil }
            let frame = configuration.taps.outgoingAudio?(tone) ?? tone
            guard let packet = try? encoder.encode(frame) else { return nil }
            await sendAudio(packet, samples: frame.samplesPerChannel, captureTime: captureTime)
            return frame.samplesPerChannel
        } else if var source = ogg {
            let next = source.next()
            ogg = source
            await sendAudio(next.packet, samples: next.samples, captureTime: captureTime)
            return next.samples
        }
        return nil
    }

    /// RTP time of `instant` on the 90 kHz or 48 kHz clock of this side's streams.
    func rtpTime(_ instant: Instant, clockRate: UInt32) -> UInt32 {
        let microseconds = (instant - (mediaStart ?? instant)).wholeNanoseconds / 1000
        return UInt32(truncatingIfNeeded: microseconds * Int64(clockRate) / 1_000_000)
    }

    /// Encodes and sends test-pattern frame `number`, captured now.
    func sendPatternFrame(number: UInt32) async {
        guard let pattern, let encoder = videoEncoder else { return }
        let captureTime = RuntimeClock.now()
        var frame = pattern.frame(number: number, captureTime: captureTime)
        if let tap = configuration.taps.outgoingVideo { frame = tap(frame) }
        let started = processThreadCPU()
        let force = keyframeRequested
        keyframeRequested = false
        guard let encoded = try? encoder.encode(frame, forceKeyframe: force) else { return }
        stats.encodeSeconds += processThreadCPU() - started
        for output in encoded {
            // A frame that did not get out (not connected yet, a send error) breaks the chain of references: the
            // next frame must be a keyframe, or the remote could decode nothing until its PLI came back.
            if !(await sendEncodedVideo(output.data, isKeyframe: output.isKeyframe, captureTime: captureTime)) {
                keyframeRequested = true
            }
        }
    }

    /// Sends what a capture device delivers, at the device's own pace, until `end`; a device error ends the
    /// loop with a sentence in the log and returns true (the call goes on without that medium).
    @discardableResult
    private func deviceLoop<Frame: Sendable>(_ frames: AsyncThrowingStream<Frame, any Error>, until end: Instant?,
                                             send: (Frame) async -> Void) async -> Bool {
        do {
            for try await frame in frames {
                if Task.isCancelled || isStopped { return false }
                if let end, RuntimeClock.now() >= end { return false }
                await send(frame)
            }
        } catch {
            printError("linkup: capture stopped: \(error)" +
                       (Frame.self == VideoFrame.self ? "; sending black, the call goes on" : ""))
            return !isStopped
        }
        return false
    }

    /// A camera (or screen) that went away mid-call: black pictures of the last size at 15 fps until `end`, so the
    /// remote sees the picture go dark instead of freezing, and the SDP does not change.
    private func blackLoop(until end: Instant?) async {
        let width = videoEncoder?.configuration.width ?? 640, height = videoEncoder?.configuration.height ?? 480
        let start = RuntimeClock.now()
        var number: Int64 = 0
        while !Task.isCancelled, !isStopped {
            let due = start + .milliseconds(number * 1000 / 15)
            if let end, due >= end { return }
            await sleep(until: due)
            await sendCapturedFrame(VideoFrame(width: width, height: height, luma: 16, captureTime: due))
            number += 1
        }
    }

    /// Encodes and sends one camera frame (a new encoder when the size changes), captured at its timestamp.
    func sendCapturedFrame(_ captured: VideoFrame) async {
        let frame = configuration.taps.outgoingVideo?(captured) ?? captured
        if videoEncoder == nil || videoEncoder?.configuration.width != frame.width
            || videoEncoder?.configuration.height != frame.height {
            var settings = VP8EncoderConfiguration(width: frame.width, height: frame.height,
                                                   bitrate: configuration.videoBitrate)
            if case let .camera(_, format) = configuration.video { settings.frameRate = format.fps }
            if case let .screen(_, fps) = configuration.video { settings.frameRate = fps }
            videoEncoder = try? VP8Encoder(settings)
            keyframeRequested = true
        }
        guard let encoder = videoEncoder else { return }
        let started = processThreadCPU()
        let force = keyframeRequested
        keyframeRequested = false
        guard let encoded = try? encoder.encode(frame, forceKeyframe: force) else { return }
        stats.encodeSeconds += processThreadCPU() - started
        for output in encoded where !(await sendEncodedVideo(output.data, isKeyframe: output.isKeyframe,
                                                             captureTime: frame.captureTime)) {
            keyframeRequested = true
        }
    }

    /// Encodes and sends 20 ms from the microphone.
    func sendCapturedAudio(_ captured: AudioFrame) async {
        let frame = configuration.taps.outgoingAudio?(captured) ?? captured
        guard let encoder = audioEncoder, let packet = try? encoder.encode(frame) else { return }
        await sendAudio(packet, samples: frame.samplesPerChannel, captureTime: frame.timestamp)
    }

    /// Packetizes one VP8 frame (RFC 7741) and sends it with the RTP time of `captureTime`; false when it could
    /// not be sent whole.
    @discardableResult
    func sendEncodedVideo(_ data: [UInt8], isKeyframe: Bool, captureTime: Instant, timestamp: UInt32? = nil) async
        -> Bool
    {
        guard layout.sendsVideo, let mid = layout.videoMid, !data.isEmpty else { return false }
        let timestamp = timestamp ?? rtpTime(captureTime, clockRate: VP8Packetizer.clockRate)
        let payloads = packetizer.packetize(frame: data[...], timestamp: timestamp, keyframe: isKeyframe).map {
            OutgoingPayload(payload: Array($0.payload), timestamp: timestamp, marker: $0.marker)
        }
        let sent = await transport.sendRTP(mid, payloads)
        guard !sent.isEmpty else { return false }
        stats.videoFramesSent += 1
        if isKeyframe { stats.keyframesSent += 1 }
        if videoSender == nil, let first = sent.first {
            videoSender = SenderStatistics(ssrc: first.ssrc, clockRate: VP8Packetizer.clockRate)
        }
        for packet in sent {
            history.packetSent(packet)
            videoSender?.packetSent(packet, captureTime: captureTime)
            stats.packetsSent += 1
            stats.bytesSent += packet.encodedSize
        }
        return sent.count == payloads.count
    }

    /// Sends one Opus packet of `samples` 48 kHz samples captured at `captureTime` (RFC 7587 §4.2).
    func sendAudio(_ packet: [UInt8], samples: Int, captureTime: Instant, timestamp: UInt32? = nil) async {
        guard layout.sendsAudio, let mid = layout.audioMid, !packet.isEmpty else { return }
        let stamp = timestamp ?? audioTimestamp
        if timestamp == nil { audioTimestamp &+= UInt32(truncatingIfNeeded: samples) }
        let sent = await transport.sendRTP(mid, [OutgoingPayload(payload: packet, timestamp: stamp, marker: false)])
        guard let packet = sent.first else { return }
        if audioSender == nil { audioSender = SenderStatistics(ssrc: packet.ssrc, clockRate: OpusPacketizer.clockRate) }
        audioSender?.packetSent(packet, captureTime: captureTime)
        stats.audioFramesSent += 1
        stats.packetsSent += 1
        stats.bytesSent += packet.encodedSize
    }

    /// Echo: one of the remote's reassembled VP8 frames, sent back on our stream with its spacing kept.
    func echoVideo(_ frame: [UInt8], remoteTimestamp: UInt32) async {
        let now = RuntimeClock.now()
        if echoVideoBase == nil {
            echoVideoBase = (remoteTimestamp, rtpTime(now, clockRate: VP8Packetizer.clockRate))
        }
        guard let base = echoVideoBase else { return }
        let timestamp = base.local &+ (remoteTimestamp &- base.remote)
        await sendEncodedVideo(frame, isKeyframe: VP8FrameHeader.isKeyframe(frame), captureTime: now,
                               timestamp: timestamp)
    }

    /// Echo: one of the remote's Opus packets, sent back on our stream.
    func echoAudio(_ payload: [UInt8], remoteTimestamp: UInt32) async {
        let now = RuntimeClock.now()
        if echoAudioBase == nil { echoAudioBase = (remoteTimestamp, rtpTime(now, clockRate: 48_000)) }
        guard let base = echoAudioBase else { return }
        await sendAudio(payload, samples: OpusPacketInfo.samplesPerChannel(payload) ?? 960, captureTime: now,
                        timestamp: base.local &+ (remoteTimestamp &- base.remote))
    }

    /// The remote asked for these sequence numbers again (RFC 4585 §6.2.1): resend what the history still has,
    /// as RTX (RFC 4588).
    func retransmit(_ sequenceNumbers: [UInt16]) async {
        stats.nacksReceived += 1
        guard let mid = layout.videoMid else { return }
        let packets = sequenceNumbers.compactMap { history.packet(sequenceNumber: $0) }
        guard !packets.isEmpty else { return }
        stats.packetsRetransmitted += await transport.resendRTX(mid, packets)
    }

    /// The remote lost a frame it cannot repair (PLI/FIR, RFC 4585 §6.3.1, RFC 5104 §4.3.1). An encoder makes the
    /// next frame a keyframe; an echo asks the remote itself, since the frames are its own (at most every 300 ms).
    func keyframeRequested(now: Instant) async {
        stats.keyframeRequestsReceived += 1
        switch configuration.video {
        case .testPattern, .camera, .screen:
            keyframeRequested = true
        case .echo:
            guard let remote = remoteVideoSSRC else { return }
            if let last = lastForwardedKeyframeRequest, now - last < .milliseconds(300) { return }
            lastForwardedKeyframeRequest = now
            let pli = PictureLossIndication(senderSSRC: layout.videoSSRC ?? SSRC(1), mediaSSRC: remote)
            await transport.sendRTCP(RTCPCompound(packets: [.pictureLossIndication(pli)]).encoded)
            stats.plisSent += 1
        case .ivf, .none:
            break  // A file's frames are already encoded: its next keyframe repairs.
        }
    }

    /// Sender reports for each stream sent (RFC 3550 §6.4.1: the NTP time now and the RTP time that stands for
    /// it, so the remote can sync audio and video and compute RTT), with report blocks about the remote's streams;
    /// a receiver report when nothing was sent.
    func reports(blocks: [ReportBlock], now: Instant) -> [RTCPPacket] {
        var packets: [RTCPPacket] = []
        var pending = blocks
        for sender in [videoSender, audioSender].compactMap({ $0 }) where sender.hasSent {
            packets.append(.senderReport(sender.makeSenderReport(now: now, clock: ntp, reports: pending)))
            pending = []
        }
        if packets.isEmpty {
            guard !blocks.isEmpty else { return [] }
            let ssrc = layout.videoSSRC ?? layout.audioSSRC ?? SSRC(1)
            packets.append(.receiverReport(ReceiverReport(ssrc: ssrc, reports: blocks)))
        }
        return packets
    }

    /// Report blocks arrived (in an SR or RR of the remote): those about our streams give RTT and loss.
    func reportsReceived(_ blocks: [ReportBlock], now: Instant) {
        for block in blocks { reportReceived(block, now: now) }
    }

    /// A report block about one of our streams arrived: RTT (RFC 3550 §6.4.1) and the loss the remote saw.
    func reportReceived(_ block: ReportBlock, now: Instant) {
        let isVideo = block.ssrc == videoSender?.ssrc
        guard isVideo || block.ssrc == audioSender?.ssrc else { return }
        if let rtt = ntp.roundTripTime(from: block, now: now), isVideo || stats.rttMs == nil || videoSender == nil {
            stats.rttMs = rtt.milliseconds
        }
        if isVideo { stats.fractionLost = Double(block.fractionLost) / 256 }
    }
}
