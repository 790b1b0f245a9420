import RTP
import Wire

/// One call's media engine, sans-IO: fed decrypted RTP and RTCP of the call's peer with the current time, it
/// returns RTP and RTCP to send, and its next deadline (ARCHITECTURE.md, "Where time, threads and codecs live").
///
/// Today it is the forwarding path: every received stream leaves again (an echo routes a section onto itself)
/// without decoding. Sequence numbers, timestamps, SSRC and payload type are rewritten (`ForwardedStream`); NACKs
/// from downstream are answered from its own history (as RTX when negotiated); gaps upstream are NACKed at once
/// and repeated every round trip; PLI/FIR from downstream reach the source, at most one per 250 ms; sender and
/// receiver reports with SDES go out for both directions on the RFC 3550 §6.3 schedule.
///
/// It never reads a clock, a socket or global randomness: `random` picks initial sequence numbers, timestamps
/// and report jitter, `ntp` maps instants to the wall clock for sender reports.
public struct MediaSession {
    /// What the session asks its owner to send.
    public enum Output: Sendable {
        /// An RTP packet, complete (SSRC, sequence number, payload type set), to protect and send on `mid`.
        case rtp(mid: Mid, packet: RTPPacket)
        /// One RTCP compound packet to protect and send.
        case rtcp([UInt8])
    }

    private var streams: [ForwardedStream]
    private var outputs = OutputQueue<Output>()
    private var random: any RandomNumberGenerator
    private let ntp: NTPClock
    private let cname: String
    private var interval: RTCPInterval
    private var nextReport: Instant?
    /// What the session counted so far.
    public private(set) var stats = MediaSessionStats()

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
        var random: any RandomNumberGenerator = random
        streams = routes.map {
            ForwardedStream(route: $0, initialSequenceNumber: UInt16.random(in: 0...0x7FFF, using: &random),
                            initialTimestamp: UInt32.random(in: 0...UInt32.max, using: &random))
        }
        self.random = random
        self.ntp = ntp
        self.cname = cname
        interval = RTCPInterval(sessionBandwidth: sessionBandwidth)
    }

    /// The routes the session forwards.
    public var routes: [ForwardingRoute] { streams.map(\.route) }

    // MARK: Inputs

    /// One decrypted RTP packet that arrived on `mid`: forwarded on its route, with a NACK upstream when it
    /// revealed a gap.
    public mutating func receiveRTP(mid: Mid, packet: RTPPacket, now: Instant) {
        startReports(now: now)
        stats.packetsReceived += 1
        stats.bytesReceived += packet.encodedSize
        guard let index = streams.firstIndex(where: { $0.route.inboundMid == mid }) else {
            stats.packetsDropped += 1
            return
        }
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

    /// One decrypted RTCP compound packet: feedback about what we forward (NACK, PLI, FIR, report blocks) and
    /// the sources' sender reports. Anything that does not parse is ignored, as RFC 3550 §6.1 lets a receiver.
    public mutating func receiveRTCP(_ bytes: [UInt8], now: Instant) {
        guard let compound = try? RTCPCompound(parsing: bytes[...]) else { return }
        interval.packetSizeSeen(bytes.count)
        var relays: [RTCPPacket] = []
        for packet in compound.packets {
            switch packet {
            case let .genericNack(nack):
                guard let index = outboundStream(nack.mediaSSRC) else { continue }
                stats.nacksReceived += 1
                for resend in streams[index].resend(for: nack, now: now) {
                    stats.packetsResent += 1
                    outputs.append(.rtp(mid: streams[index].route.outboundMid, packet: resend))
                }
            case let .pictureLossIndication(pli):
                keyframeRequested(ssrc: pli.mediaSSRC, fir: false, now: now, into: &relays)
            case let .fullIntraRequest(fir):
                for entry in fir.entries { keyframeRequested(ssrc: entry.ssrc, fir: true, now: now, into: &relays) }
            case let .senderReport(report):
                if let index = streams.firstIndex(where: { $0.sourceSSRC == report.ssrc }) {
                    streams[index].senderReportReceived(ntpTimestamp: report.ntpTimestamp, now: now)
                }
                reportBlocksReceived(report.reports, now: now)
            case let .receiverReport(report):
                reportBlocksReceived(report.reports, now: now)
            default:
                break
            }
        }
        if !relays.isEmpty { send(relays) }
    }

    /// Runs what is due: NACK repeats upstream, and the regular report.
    public mutating func handleTimeout(now: Instant) {
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

    /// The earliest of the next report and the next NACK repeat.
    public func nextDeadline() -> Instant? {
        var deadline = nextReport
        for stream in streams {
            if let due = stream.nextNackDeadline() { deadline = deadline.map { min($0, due) } ?? due }
        }
        return deadline
    }

    // MARK: Internals

    private func outboundStream(_ ssrc: SSRC) -> Int? {
        streams.firstIndex { $0.route.outboundSSRC == ssrc }
    }

    private mutating func keyframeRequested(ssrc: SSRC, fir: Bool, now: Instant, into relays: inout [RTCPPacket]) {
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
            guard let index = outboundStream(block.ssrc) else { continue }
            stats.remoteLossFraction = Double(block.fractionLost) / 256
            if let rtt = ntp.roundTripTime(from: block, now: now) {
                stats.roundTripMs = Double(rtt.components.seconds) * 1000
                    + Double(rtt.components.attoseconds) / 1e15
                streams[index].roundTripMeasured(rtt)
            }
        }
    }

    /// The first report goes out within half an interval of the first packet (RFC 3550 §6.2).
    private mutating func startReports(now: Instant) {
        guard nextReport == nil else { return }
        nextReport = now + nextInterval() / 2
    }

    private mutating func nextInterval() -> Duration {
        let sending = streams.contains { $0.sending.hasSent }
        let senders = (sending ? 1 : 0) + (streams.contains { $0.sourceSSRC != nil } ? 1 : 0)
        return interval.randomized(members: 2, senders: senders, weSent: sending, using: &random)
    }

    /// A compound report (RFC 3550 §6.1): a sender report per stream we sent on (the first one carrying the report
    /// blocks about every source), or one receiver report when we sent nothing, then SDES with our CNAME.
    private mutating func sendReport(now: Instant) {
        var blocks: [ReportBlock] = []
        for index in streams.indices {
            if let block = streams[index].makeReportBlock(now: now) { blocks.append(block) }
        }
        var packets: [RTCPPacket] = []
        for stream in streams where stream.sending.hasSent {
            packets.append(.senderReport(stream.sending.makeSenderReport(now: now, clock: ntp,
                                                                         reports: packets.isEmpty ? blocks : [])))
        }
        let reporter = streams.first?.route.outboundSSRC ?? SSRC(1)
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
        for stream in streams {
            guard let reception = stream.reception else { continue }
            expected += reception.packetsExpected
            lost += max(reception.cumulativeLost, 0)
            if stream.route.kind == .video { stats.sourceJitterMs = Double(reception.jitter) * 1000 / 90_000 }
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
