import Congestion
import Media
import RTP
import SDP
import Wire

/// One call's media engine, sans-IO: fed decrypted RTP and RTCP of the call's peer with the current time, it
/// returns RTP and RTCP to send, codec work for its owner, and its next deadline (ARCHITECTURE.md, "Where time,
/// threads and codecs live").
///
/// It has two paths, used alone or together:
/// - **Endpoint** (`init(endpoint:...)`): the send pipeline takes pictures and audio (`submitVideo`,
///   `submitAudio`), asks the owner to encode them (`MediaEvent.encodeVideo`, with a keyframe when the remote asked
///   for one), packetizes what comes back (`videoEncoded`, `audioEncoded`), keeps the history that answers NACKs
///   (as RTX when negotiated); the receive pipeline runs video through the jitter buffer (NACK, PLI) and hands
///   complete frames and audio packets to the owner's decoders (`MediaEvent.decodeVideo`, `.decodeAudio`).
/// - **Forwarding** (`init(routes:...)`): every received stream leaves again (an echo routes a section onto
///   itself) without decoding. Sequence numbers, timestamps, SSRC and payload type are rewritten
///   (`ForwardedStream`); NACKs from downstream are answered from its own history; gaps upstream are NACKed at once
///   and repeated every round trip; PLI/FIR from downstream reach the source, at most one per 250 ms. A forwarder
///   may also decode what it forwards (`init(routes:decoding:...)`), without feedback of its own.
///
/// Both send sender and receiver reports with SDES on the RFC 3550 §6.3 schedule. It never reads a clock, a
/// socket or global randomness: `random` picks initial sequence numbers, timestamps and report jitter, `ntp` maps
/// instants to the wall clock for sender reports.
public struct MediaSession {
    /// What the session asks its owner to do.
    public enum Output: Sendable {
        /// An RTP packet, complete (SSRC, sequence number, payload type set), to protect and send on `mid`.
        case rtp(mid: Mid, packet: RTPPacket)
        /// One RTCP compound packet to protect and send.
        case rtcp([UInt8])
        /// Codec work, or something the owner presents (`MediaEvent`).
        case event(MediaEvent)
    }

    private var streams: [ForwardedStream]
    private var senders: [OutboundMediaStream]
    private var receivers: [InboundMediaStream]
    /// The instant RTP time 0 (plus each stream's random offset) of our video stands for: the first frame.
    private var mediaOrigin: Instant?
    private var outputs = OutputQueue<Output>()
    private var random: any RandomNumberGenerator
    private let ntp: NTPClock
    private let cname: String
    private var interval: RTCPInterval
    private var nextReport: Instant?
    /// What the session counted so far.
    public private(set) var stats = MediaSessionStats()
    /// What the video encoder is asked for (nil: its own configuration).
    public private(set) var videoTarget: VideoEncoderTarget?
    /// What the audio encoder is asked for (nil: its own configuration).
    public private(set) var audioTarget: AudioEncoderTarget?
    /// The capture time of the last picture sent to the encoder, for `VideoEncoderTarget.maxFrameRate`.
    private var lastEncodedCapture: Instant?
    /// The width of the last picture handed in: a lower step of the picture-size ladder scales it down.
    private var sourceWidth: Int?
    /// Congestion control of what we send, when the remote takes transport-wide sequence numbers (created with
    /// the first frame).
    private var rateControl: SendRateControl?
    private let rateControlExtensionID: UInt8?
    /// abs-send-time on what we send, stamped by the pacer (only under transport-wide CC: see `startRateControl`).
    private let absSendTimeExtensionID: UInt8?
    /// Transport-wide feedback about what we receive, when the remote numbers its packets.
    private var feedback: TransportFeedbackGenerator?
    /// Our REMB about what we receive, when the remote stamps abs-send-time but gives no transport-wide numbers
    /// (aiortc): the receive-side estimate of draft-ietf-rmcat-gcc-02 §3.
    private var remb: (estimator: RembEstimator, senderSSRC: SSRC, mediaSSRC: SSRC)?

    /// A forwarding session for `routes`.
    ///
    /// - Parameters:
    ///   - routes: One route per stream to forward (at most one per inbound section).
    ///   - ntp: The wall clock as NTP, for sender reports and round trips.
    ///   - cname: The canonical name in our SDES (RFC 3550 §6.5.1): the one the peer's SDP announced.
    ///   - sessionBandwidth: Bits per second the media takes, for the RTCP interval (RFC 3550 §6.3).
    ///   - random: Where initial sequence numbers, timestamps and report jitter come from.
    public init(routes: [ForwardingRoute], ntp: NTPClock, cname: String, sessionBandwidth: Double = 700_000,
                random: some RandomNumberGenerator) {
        self.init(routes: routes, outbound: [], inbound: [], inboundFeedback: false, ntp: ntp, cname: cname,
                  sessionBandwidth: sessionBandwidth, random: random)
    }

    /// A forwarding session for `routes` that also hands what arrives on `decoding` to the owner's decoders
    /// (the forwarder alone NACKs and relays keyframe requests): an echo that checks what it echoes.
    public init(routes: [ForwardingRoute], decoding: [EndpointLayout.Inbound], ntp: NTPClock, cname: String,
                sessionBandwidth: Double = 700_000, random: some RandomNumberGenerator) {
        self.init(routes: routes, outbound: [], inbound: decoding, inboundFeedback: false, ntp: ntp, cname: cname,
                  sessionBandwidth: sessionBandwidth, random: random)
    }

    /// An endpoint session: it sends what `endpoint.outbound` names (frames handed in, encoded by the owner) and
    /// decodes what `endpoint.inbound` names.
    public init(endpoint: EndpointLayout, ntp: NTPClock, cname: String, sessionBandwidth: Double = 1_100_000,
                random: some RandomNumberGenerator) {
        self.init(routes: [], outbound: endpoint.outbound, inbound: endpoint.inbound, inboundFeedback: true,
                  ntp: ntp, cname: cname, sessionBandwidth: sessionBandwidth, random: random)
    }

    private init(routes: [ForwardingRoute], outbound: [EndpointLayout.Outbound], inbound: [EndpointLayout.Inbound],
                 inboundFeedback: Bool, ntp: NTPClock, cname: String, sessionBandwidth: Double,
                 random: some RandomNumberGenerator) {
        var random: any RandomNumberGenerator = random
        streams = routes.map {
            ForwardedStream(route: $0, initialSequenceNumber: UInt16.random(in: 0...0x7FFF, using: &random),
                            initialTimestamp: UInt32.random(in: 0...UInt32.max, using: &random))
        }
        senders = outbound.map { OutboundMediaStream(layout: $0, random: &random) }
        receivers = inbound.map { InboundMediaStream(layout: $0, sendsFeedback: inboundFeedback) }
        rateControlExtensionID = outbound.lazy.compactMap(\.transportCCExtensionID).first
        absSendTimeExtensionID = outbound.lazy.compactMap(\.absSendTimeExtensionID).first
        self.random = random
        self.ntp = ntp
        self.cname = cname
        interval = RTCPInterval(sessionBandwidth: sessionBandwidth)
    }

    /// The routes the session forwards.
    public var routes: [ForwardingRoute] { streams.map(\.route) }

    /// Whether the session sends video (or audio) of its own.
    public func sends(_ kind: MediaKind) -> Bool { senders.contains { $0.layout.kind == kind } }

    // MARK: Send pipeline

    /// Pictures are not encoded while the pacer holds packets this old (see `submitVideo`).
    static let pushbackDelay: Duration = .milliseconds(100)

    /// A picture to send: asks the owner to encode it (`MediaEvent.encodeVideo`) at the current target, as a
    /// keyframe when one is owed. Refused (and counted) when no video is sent; skipped (and counted) when it comes
    /// sooner than the target frame rate allows.
    public mutating func submitVideo(_ frame: VideoFrame, now: Instant) {
        guard let index = senders.firstIndex(where: { $0.layout.kind == .video }) else {
            stats.framesRefused += 1
            return
        }
        sourceWidth = frame.width
        startRateControl(now: now)
        followRateControl()
        // An encoder that overshoots its target fills the pacer; new pictures wait until it drains, so the
        // delay stays short instead of the queue growing (libwebrtc's encoder pushback does the same).
        if let queued = rateControl?.queueDelay(now: now), queued > Self.pushbackDelay, !senders[index].keyframeOwed {
            stats.framesSkipped += 1
            return
        }
        if let target = videoTarget, let last = lastEncodedCapture, !senders[index].keyframeOwed {
            // 10% slack, so a source at exactly the target rate is not thinned by capture jitter.
            let spacing = Duration.nanoseconds(900_000_000 / Int64(target.maxFrameRate))
            if frame.captureTime - last < spacing {
                stats.framesSkipped += 1
                return
            }
        }
        lastEncodedCapture = frame.captureTime
        let force = senders[index].keyframeOwed
        senders[index].keyframeOwed = false
        outputs.append(.event(.encodeVideo(VideoEncodeRequest(frame: frame, forceKeyframe: force,
                                                              target: videoTarget))))
    }

    /// 20 ms of audio to send: asks the owner to encode it (`MediaEvent.encodeAudio`) at the current target.
    public mutating func submitAudio(_ frame: AudioFrame, now: Instant) {
        guard sends(.audio) else {
            stats.framesRefused += 1
            return
        }
        startRateControl(now: now)
        followRateControl()
        outputs.append(.event(.encodeAudio(AudioEncodeRequest(frame: frame, target: audioTarget))))
    }

    /// One encoded VP8 frame captured at `captureTime` (from the owner's encoder, or a file): packetized and sent.
    public mutating func videoEncoded(_ frame: [UInt8], isKeyframe: Bool, captureTime: Instant, now: Instant) {
        guard !frame.isEmpty, let index = senders.firstIndex(where: { $0.layout.kind == .video }) else { return }
        startReports(now: now)
        let origin = mediaOrigin ?? captureTime
        mediaOrigin = origin
        let packets = senders[index].packetizeVideo(frame, isKeyframe: isKeyframe, captureTime: captureTime,
                                                    origin: origin)
        stats.videoFramesSent += 1
        if isKeyframe { stats.keyframesSent += 1 }
        for packet in packets { sendOwn(packet, mid: senders[index].layout.mid, kind: .video, now: now) }
    }

    /// One encoded Opus packet of `samples` samples per channel captured at `captureTime`: sent.
    public mutating func audioEncoded(_ packet: [UInt8], samples: Int, captureTime: Instant, now: Instant) {
        guard !packet.isEmpty, let index = senders.firstIndex(where: { $0.layout.kind == .audio }) else { return }
        startReports(now: now)
        let rtp = senders[index].packetizeAudio(packet, samples: samples, captureTime: captureTime)
        stats.audioFramesSent += 1
        sendOwn(rtp, mid: senders[index].layout.mid, kind: .audio, now: now)
    }

    /// One of our packets: through the pacer when congestion control runs, else straight out.
    private mutating func sendOwn(_ packet: RTPPacket, mid: Mid, kind: PacketKind, now: Instant) {
        stats.packetsSent += 1
        stats.bytesSent += packet.encodedSize
        startRateControl(now: now)
        guard rateControl != nil else {
            outputs.append(.rtp(mid: mid, packet: packet))
            return
        }
        rateControl?.enqueue(packet, mid: mid, kind: kind, now: now)
        drainRateControl(now: now)
    }

    /// Starts congestion control with the first frame, when the remote takes transport-wide sequence numbers.
    ///
    /// A remote without transport-wide feedback (aiortc) gets no rate control: its REMB follows what it receives
    /// (aiortc's estimate started at 132 kbit/s for a 155 kbit/s stream on an open path and held there), so obeying
    /// it alone halved the frame rate of calls that had room. With transport-wide feedback, REMB is a cap.
    private mutating func startRateControl(now: Instant) {
        guard rateControl == nil, let id = rateControlExtensionID else { return }
        rateControl = SendRateControl(extensionID: id, absSendTimeID: absSendTimeExtensionID,
                                      startBitrate: 300_000, maxBitrate: 2_500_000, now: now)
        followRateControl()
    }

    /// Brings the encoder targets and the statistics up to date with congestion control: after each of its inputs
    /// (feedback, timers) and for each frame handed in (the source's size matters to the picture-size step).
    private mutating func followRateControl() {
        guard let rateControl else { return }
        let targets = rateControl.targets(sourceWidth: sourceWidth)
        videoTarget = targets.video
        audioTarget = targets.audio
        stats.targetBitrate = rateControl.controller.targetBitrate
        stats.videoStep = rateControl.ladder.current.description
        // Resends share the link with the media: at most the target's rate (libwebrtc's limit too; a fixed 2 Mbit/s
        // budget let a burst of NACKs after a drop to 0.5 Mbit/s resend 4x the link's rate and keep the loss
        // going), and not twice within a round trip.
        let resendBudget = max(rateControl.controller.targetBitrate / 8, 8_000)
        let resendInterval = max(rateControl.controller.rtt, .milliseconds(10))
        for index in senders.indices {
            senders[index].limitResends(bytesPerSecond: resendBudget, minInterval: resendInterval)
        }
        stats.delayBasedEstimate = rateControl.controller.delayBasedEstimate
        stats.lossBasedEstimate = rateControl.controller.lossBasedEstimate
        stats.bandwidthUsage = "\(rateControl.controller.bandwidthUsage)"
    }

    /// Sends what the pacer released; padding for a probe is an RTX copy of our latest video packet.
    private mutating func drainRateControl(now: Instant) {
        while let release = rateControl?.pollRelease() {
            switch release {
            case let .send(mid, packet):
                outputs.append(.rtp(mid: mid, packet: packet))
            case let .padding(size, cluster):
                guard let index = senders.firstIndex(where: { $0.layout.kind == .video }) else { continue }
                var sent = 0
                while sent < size, var padding = senders[index].latestAsRTX() {
                    rateControl?.paddingSent(&padding, cluster: cluster, now: now)
                    sent += max(padding.encodedSize, 1)
                    stats.paddingPacketsSent += 1
                    outputs.append(.rtp(mid: senders[index].layout.mid, packet: padding))
                }
            }
        }
    }

    /// The owner's video decoder fell behind and dropped frames: the frames after them cannot decode until a
    /// keyframe, so ask for one (PLI, RFC 4585 §6.3.1).
    public mutating func requestKeyframe(now: Instant) {
        for index in receivers.indices where receivers[index].layout.kind == .video && receivers[index].sendsFeedback {
            apply(receivers[index].requestKeyframe(now: now))
        }
    }

    // MARK: Inputs

    /// One decrypted RTP packet that arrived on `mid`: forwarded on its route (with a NACK upstream when it
    /// revealed a gap), and handed to the receive pipeline of that section.
    public mutating func receiveRTP(mid: Mid, packet: RTPPacket, now: Instant) {
        startReports(now: now)
        stats.packetsReceived += 1
        stats.bytesReceived += packet.encodedSize
        var used = false
        if let index = streams.firstIndex(where: { $0.route.inboundMid == mid }) {
            used = true
            forward(packet, stream: index, now: now)
        }
        if let index = receivers.firstIndex(where: { $0.layout.mid == mid }) {
            used = true
            if let id = receivers[index].layout.transportCCExtensionID,
               let sequence = packet.extensions?.transportSequenceNumber(id: id) {
                if feedback == nil {
                    feedback = TransportFeedbackGenerator(senderSSRC: receivers[index].layout.localSSRC,
                                                          mediaSSRC: packet.ssrc)
                }
                feedback?.record(sequenceNumber: sequence, arrival: now)
            } else if receivers[index].layout.kind == .video, let id = receivers[index].layout.absSendTimeExtensionID,
                      let sendTime = packet.extensions?.absSendTime(id: id) {
                if remb == nil {
                    remb = (RembEstimator(), receivers[index].layout.localSSRC, packet.ssrc)
                }
                remb?.estimator.record(absoluteSendTime: sendTime, arrival: now, size: packet.encodedSize)
            }
            apply(receivers[index].receive(packet, now: now))
        }
        if !used { stats.packetsDropped += 1 }
    }

    private mutating func forward(_ packet: RTPPacket, stream index: Int, now: Instant) {
        if streams[index].isRepair(packet) { stats.repairsReceived += 1 }
        guard let forwarded = streams[index].forward(packet, now: now) else {
            stats.packetsDropped += 1
            return
        }
        stats.packetsForwarded += 1
        stats.bytesForwarded += forwarded.encodedSize
        outputs.append(.rtp(mid: streams[index].route.outboundMid, packet: forwarded))
        if let nack = streams[index].pollNack(now: now) { send([.genericNack(nack)]) }
    }

    /// What a receive pipeline produced: decode requests to the owner, feedback to the remote.
    private mutating func apply(_ output: InboundMediaStream.Output) {
        stats.videoFramesDropped += output.framesDropped
        for request in output.requests {
            switch request {
            case .decodeVideo: stats.videoFramesReceived += 1
            case .decodeAudio: stats.audioPacketsReceived += 1
            default: break
            }
            outputs.append(.event(request))
        }
        if !output.feedback.isEmpty {
            stats.nacksSent += output.nacks
            stats.plisSent += output.plis
            outputs.append(.rtcp(output.feedback))
        }
    }

    /// One decrypted RTCP compound packet: feedback about what we send or forward (NACK, PLI, FIR, report blocks)
    /// and the remote's sender reports. Anything that does not parse is ignored, as RFC 3550 §6.1 lets a receiver.
    public mutating func receiveRTCP(_ bytes: [UInt8], now: Instant) {
        let compound: RTCPCompound
        do {
            compound = try RTCPCompound(parsing: bytes[...])
        } catch {
            stats.rtcpUnparsed += 1
            stats.lastRTCPError = "\(error)"
            return
        }
        interval.packetSizeSeen(bytes.count)
        var relays: [RTCPPacket] = []
        for packet in compound.packets {
            switch packet {
            case let .genericNack(nack):
                nackReceived(nack, now: now)
            case let .pictureLossIndication(pli):
                keyframeRequested(ssrc: pli.mediaSSRC, fir: false, now: now, into: &relays)
            case let .fullIntraRequest(fir):
                for entry in fir.entries { keyframeRequested(ssrc: entry.ssrc, fir: true, now: now, into: &relays) }
            case let .senderReport(report):
                senderReportReceived(report, now: now)
                reportBlocksReceived(report.reports, now: now)
            case let .receiverReport(report):
                reportBlocksReceived(report.reports, now: now)
            case let .transportFeedback(feedback):
                stats.transportFeedbackReceived += 1
                rateControl?.handle(feedback, now: now)
            case let .receiverEstimatedMaxBitrate(remb):
                stats.rembReceived += 1
                stats.lastRembBitrate = Int(clamping: remb.bitrate)
                rateControl?.handle(remb, now: now)
            default:
                break
            }
        }
        if !relays.isEmpty { send(relays) }
        followRateControl()
        drainRateControl(now: now)
    }

    /// Runs what is due: the pacer and congestion control, transport-wide feedback, the jitter buffers' timers,
    /// NACK repeats upstream, and the regular report.
    public mutating func handleTimeout(now: Instant) {
        if let due = rateControl?.nextDeadline(), due <= now {
            rateControl?.handleTimeout(now: now)
            followRateControl()
            drainRateControl(now: now)
        }
        // `pollRemb` answers only when a REMB is due.
        if let bitrate = remb?.estimator.pollRemb(now: now), let remb {
            stats.rembSent += 1
            stats.lastRembSentBitrate = bitrate
            let message = RembEstimator.makeRemb(senderSSRC: remb.senderSSRC, bitrate: bitrate, ssrcs: [remb.mediaSSRC])
            outputs.append(.rtcp(RTCPCompound(packets: [.receiverEstimatedMaxBitrate(message)]).encoded))
        }
        if let due = feedback?.nextDeadline(), due <= now {
            feedback?.handleTimeout(now: now)
            while let report = feedback?.pollFeedback() {
                stats.transportFeedbackSent += 1
                outputs.append(.rtcp(RTCPCompound(packets: [.transportFeedback(report)]).encoded))
            }
        }
        for index in receivers.indices {
            if let due = receivers[index].nextDeadline(), due <= now {
                apply(receivers[index].handleTimeout(now: now))
            }
        }
        for index in streams.indices {
            if let due = streams[index].nextNackDeadline(), due <= now,
               let nack = streams[index].pollNack(now: now) {
                send([.genericNack(nack)])
            }
        }
        if let nextReport, now >= nextReport { sendReport(now: now) }
    }

    // MARK: Outputs

    /// The next thing to send, or nil when drained.
    public mutating func pollOutput() -> Output? { outputs.next() }

    /// The earliest of the next report, the next NACK repeat and the jitter buffers' timers.
    public func nextDeadline() -> Instant? {
        var deadline = earliest(nextReport, rateControl?.nextDeadline(), feedback?.nextDeadline(),
                                remb?.estimator.nextDeadline())
        for stream in streams { deadline = earliest(deadline, stream.nextNackDeadline()) }
        for receiver in receivers { deadline = earliest(deadline, receiver.nextDeadline()) }
        return deadline
    }

    // MARK: Internals

    private func outboundStream(_ ssrc: SSRC) -> Int? {
        streams.firstIndex { $0.route.outboundSSRC == ssrc }
    }

    private func sender(_ ssrc: SSRC) -> Int? {
        senders.firstIndex { $0.layout.ssrc == ssrc }
    }

    private mutating func nackReceived(_ nack: GenericNack, now: Instant) {
        if let index = outboundStream(nack.mediaSSRC) {
            stats.nacksReceived += 1
            for resend in streams[index].resend(for: nack, now: now) {
                stats.packetsResent += 1
                outputs.append(.rtp(mid: streams[index].route.outboundMid, packet: resend))
            }
        } else if let index = sender(nack.mediaSSRC) {
            stats.nacksReceived += 1
            for resend in senders[index].resend(for: nack, now: now) {
                stats.packetsResent += 1
                if rateControl != nil {
                    rateControl?.enqueue(resend, mid: senders[index].layout.mid, kind: .retransmission, now: now)
                } else {
                    outputs.append(.rtp(mid: senders[index].layout.mid, packet: resend))
                }
            }
            drainRateControl(now: now)
        }
    }

    private mutating func senderReportReceived(_ report: SenderReport, now: Instant) {
        if let index = streams.firstIndex(where: { $0.sourceSSRC == report.ssrc }) {
            streams[index].senderReportReceived(ntpTimestamp: report.ntpTimestamp, now: now)
        }
        if let index = receivers.firstIndex(where: { $0.remoteSSRC == report.ssrc }) {
            receivers[index].senderReportReceived(ntpTimestamp: report.ntpTimestamp, now: now)
            outputs.append(.event(.remoteSenderReport(RemoteSenderReport(
                kind: receivers[index].layout.kind, ntpTimestamp: report.ntpTimestamp,
                rtpTimestamp: report.rtpTimestamp))))
        }
    }

    private mutating func keyframeRequested(ssrc: SSRC, fir: Bool, now: Instant, into relays: inout [RTCPPacket]) {
        if let index = sender(ssrc) {
            stats.keyframeRequestsReceived += 1
            senders[index].keyframeOwed = true
            return
        }
        guard let index = outboundStream(ssrc) else { return }
        stats.keyframeRequestsReceived += 1
        if let request = streams[index].relayKeyframeRequest(fir: fir, now: now) {
            stats.keyframeRequestsRelayed += 1
            relays.append(request)
        }
    }

    /// Report blocks the other side sent about our streams: round trip (RFC 3550 §6.4.1) and its loss.
    private mutating func reportBlocksReceived(_ blocks: [ReportBlock], now: Instant) {
        for block in blocks {
            let forwarded = outboundStream(block.ssrc), own = sender(block.ssrc)
            guard forwarded != nil || own != nil else { continue }
            stats.remoteLossFraction = Double(block.fractionLost) / 256
            if let own, senders[own].layout.kind == .video { stats.videoLossFraction = stats.remoteLossFraction }
            let rtt = ntp.roundTripTime(from: block, now: now)
            if own != nil {
                rateControl?.reportReceived(fractionLost: block.fractionLost, packets: 50, roundTrip: rtt, now: now)
            }
            guard let rtt else { continue }
            stats.roundTripMs = rtt.milliseconds
            if let forwarded { streams[forwarded].roundTripMeasured(rtt) }
            for index in receivers.indices { receivers[index].roundTripMeasured(rtt) }
        }
    }

    /// The first report goes out within half an interval of the first packet (RFC 3550 §6.2).
    private mutating func startReports(now: Instant) {
        guard nextReport == nil else { return }
        nextReport = now + nextInterval() / 2
    }

    private mutating func nextInterval() -> Duration {
        let sending = streams.contains { $0.sending.hasSent } || senders.contains { $0.sending.hasSent }
        let receiving = streams.contains { $0.sourceSSRC != nil } || receivers.contains { $0.remoteSSRC != nil }
        let senders = (sending ? 1 : 0) + (receiving ? 1 : 0)
        return interval.randomized(members: 2, senders: senders, weSent: sending, using: &random)
    }

    /// A compound report (RFC 3550 §6.1): a sender report per stream we sent on (the first one carrying the report
    /// blocks about every source), or one receiver report when we sent nothing, then SDES with our CNAME.
    private mutating func sendReport(now: Instant) {
        var blocks: [ReportBlock] = []
        for index in streams.indices {
            if let block = streams[index].makeReportBlock(now: now) { blocks.append(block) }
        }
        for index in receivers.indices {
            if let block = receivers[index].makeReportBlock(now: now) { blocks.append(block) }
        }
        var packets: [RTCPPacket] = []
        let sent = streams.map(\.sending) + senders.map(\.sending)
        for sending in sent where sending.hasSent {
            packets.append(.senderReport(sending.makeSenderReport(now: now, clock: ntp,
                                                                  reports: packets.isEmpty ? blocks : [])))
        }
        let reporter = streams.first?.route.outboundSSRC ?? senders.first?.layout.ssrc
            ?? receivers.first?.layout.localSSRC ?? SSRC(1)
        if packets.isEmpty { packets.append(.receiverReport(ReceiverReport(ssrc: reporter, reports: blocks))) }
        packets.append(.sourceDescription(SourceDescription(ssrc: reporter, cname: cname)))
        stats.reportsSent += 1
        refreshSourceStats()
        let compound = RTCPCompound(packets: packets).encoded
        interval.packetSizeSeen(compound.count)
        outputs.append(.rtcp(compound))
        nextReport = now + nextInterval()
    }

    /// Feedback (NACK, PLI, FIR) goes out at once in a reduced-size compound (RFC 5506), as WebRTC peers expect.
    private mutating func send(_ packets: [RTCPPacket]) {
        for packet in packets {
            switch packet {
            case .genericNack: stats.nacksSent += 1
            default: break
            }
        }
        outputs.append(.rtcp(RTCPCompound(packets: packets).encoded))
    }

    private mutating func refreshSourceStats() {
        var expected: UInt64 = 0, lost: Int64 = 0
        stats.videoWaitMs = receivers.first { $0.layout.kind == .video }?.videoWait?.milliseconds
        if let audio = receivers.first(where: { $0.layout.kind == .audio }) {
            stats.audioPacketsReordered = audio.audioOrder.reordered
            stats.audioPacketsLate = audio.audioOrder.late
            stats.audioGapsSkipped = audio.audioOrder.gapsSkipped
            stats.audioReorderWaitMs = audio.audioOrder.wait.milliseconds
        }
        let receptions = streams.map { ($0.route.kind == .video, $0.reception) }
            + receivers.map { ($0.layout.kind == .video, $0.reception) }
        for (isVideo, reception) in receptions {
            guard let reception else { continue }
            expected += reception.packetsExpected
            lost += max(reception.cumulativeLost, 0)
            if isVideo { stats.sourceJitterMs = Double(reception.jitter) * 1000 / 90_000 }
        }
        stats.sourcePacketsExpected = expected
        stats.sourcePacketsLost = lost
    }

    /// The statistics brought up to date (loss and jitter of the sources are otherwise refreshed per report).
    public mutating func currentStats() -> MediaSessionStats {
        refreshSourceStats()
        return stats
    }
}
