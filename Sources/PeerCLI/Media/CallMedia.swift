import Foundation
import Media
import Peer
import PeerRuntime
import RTP
import Wire

/// The media of one call at one endpoint: one `Peer` in its runtime, sending video and audio from the configured
/// sources and receiving the remote's. The send half (`CallMediaSender`) encodes (or reads, or echoes) frames,
/// packetizes them, keeps a retransmission history that answers NACKs with RTX and a keyframe on PLI/FIR, and
/// sends sender reports for both streams. The receive half (`CallMediaReceiver`) runs video through the jitter
/// buffer (NACK, PLI) into the VP8 decoder and audio through the Opus decoder with FEC/concealment, records both
/// when asked, measures what it can, and sends receiver report blocks. The halves are actors of their own so
/// encoding and decoding run in parallel.
///
/// Feed it the peer's events (`consume(_:)` or `handle(_:)`), then `run(until:)` (or `start()`) drives the media
/// clocks, and `stop()` finalizes recordings and returns the summary. `linkup loopback`, `call`, `bot` and `probe`
/// all use it.
actor CallMedia {
    let transport: MediaTransport
    let configuration: CallMediaConfiguration
    /// When this endpoint was created: the origin of the summary's "connected" and "first frame" times.
    let createdAt: Instant
    let sender: CallMediaSender
    let receiver: CallMediaReceiver
    var layoutKnown = false
    var mediaStart: Instant?
    var nextReport: Instant?
    var runTask: Task<Void, Never>?
    var isStopped = false
    /// When the peer reported `connected`, and why it failed if it did.
    private(set) var connectedAt: Instant?
    private(set) var failure: String?

    /// A media endpoint for the peer inside `runtime` (a `Peer`, or a `Peer` behind `LossyMachine`). Opens the
    /// codecs and the files named in `configuration`; throws when a file cannot be read or a codec not created.
    init<Machine: PeerHostingMachine>(runtime: MachineRuntime<Machine>, configuration: CallMediaConfiguration,
                                      ntp: NTPClock = CallMedia.wallClock()) throws {
        try self.init(transport: MediaTransport(runtime: runtime), configuration: configuration, ntp: ntp)
    }

    /// A media endpoint over any transport (tests pass closures that record what would be sent).
    init(transport: MediaTransport, configuration: CallMediaConfiguration, ntp: NTPClock = CallMedia.wallClock())
        throws
    {
        self.transport = transport
        self.configuration = configuration
        createdAt = RuntimeClock.now()
        sender = try CallMediaSender(transport: transport, configuration: configuration, ntp: ntp)
        receiver = try CallMediaReceiver(transport: transport, configuration: configuration, ntp: ntp, sender: sender)
    }

    /// This machine's wall clock (the system's real time) as an NTP clock anchored at the runtime's clock now.
    static func wallClock() -> NTPClock {
        let seconds = Date().timeIntervalSince1970 + 2_208_988_800  // RFC 5905 §6: NTP counts from 1900.
        return NTPClock(referenceInstant: RuntimeClock.now(), referenceNTP: UInt64(seconds * 4_294_967_296))
    }

    // MARK: Events

    /// Follows the peer's events until the stream ends (or the task is cancelled).
    func consume(_ events: AsyncStream<PeerEvent>) async {
        for await event in events {
            await handle(event)
            if Task.isCancelled { break }
        }
    }

    /// Takes one event of the peer: connection state, RTP of the audio or video section, RTCP. Other events are
    /// ignored, so the owner can pass every event.
    func handle(_ event: PeerEvent) async {
        switch event {
        case .connectionStateChanged(.connected):
            if connectedAt == nil { connectedAt = RuntimeClock.now() }
            await refreshLayout()
        case let .failed(error):
            failure = error.description
        case let .rtp(mid, packet):
            if !layoutKnown { await refreshLayout() }
            await receiver.receive(packet, mid: mid)
            await deadlineMayHaveMoved()
        case let .rtcp(bytes):
            await receiver.receiveRTCP(bytes)
        default:
            break
        }
    }

    /// Reads which sections carry audio and video from the peer (after negotiation).
    func refreshLayout() async {
        let layout = await transport.layout()
        guard layout.videoMid != nil || layout.audioMid != nil else { return }
        layoutKnown = true
        await sender.setLayout(layout)
        await receiver.setLayout(layout)
    }

    // MARK: Clocks

    /// Sends media from the configured sources until `sendingUntil` (default: `end`), and runs the receive timers
    /// and the reports until `end` (nil: until cancelled or stopped).
    func run(until end: Instant?, sendingUntil: Instant? = nil) async {
        await refreshLayout()
        let start = RuntimeClock.now()
        if mediaStart == nil { mediaStart = start }
        await sender.startMedia(at: start)
        if nextReport == nil { nextReport = start + configuration.reportInterval / 2 }
        let sendEnd = sendingUntil ?? end
        let sender = sender
        let sendsVideo = await sender.hasVideoSource, sendsAudio = await sender.hasAudioSource
        await withTaskGroup(of: Void.self) { group in
            if sendsVideo { group.addTask { await sender.videoLoop(until: sendEnd) } }
            if sendsAudio { group.addTask { await sender.audioLoop(until: sendEnd) } }
            group.addTask { await self.tickLoop(until: end) }
        }
    }

    /// Runs `run(until: nil)` in a task of its own; `stop()` ends it.
    func start() {
        guard runTask == nil, !isStopped else { return }
        runTask = Task { await self.run(until: nil) }
    }

    /// The timer of the receive half and the reports: sleeps until the earliest deadline (the jitter buffer's
    /// NACK, give-up and keyframe timers, the next report), never polling. A packet that brings a deadline
    /// forward wakes it early (`deadlineMayHaveMoved()`).
    private func tickLoop(until end: Instant?) async {
        while !Task.isCancelled, !isStopped, end.map({ RuntimeClock.now() < $0 }) ?? true {
            var deadline = nextReport ?? RuntimeClock.now() + configuration.reportInterval
            if let due = await receiver.nextDeadline() { deadline = min(deadline, due) }
            if let end { deadline = min(deadline, end) }
            scheduledWake = deadline
            let sleeper = Task { await sleep(until: deadline) }
            timerSleep = sleeper
            await sleeper.value
            timerSleep = nil
            await tick()
        }
    }

    /// The sleeping timer task and when it wakes, so a received packet can wake it sooner.
    private var timerSleep: Task<Void, Never>?
    private var scheduledWake: Instant?

    /// After a packet: if the receive half now wants the timer sooner than planned, wake the timer loop.
    func deadlineMayHaveMoved() async {
        guard let scheduledWake, let sleeper = timerSleep, let due = await receiver.nextDeadline(), due < scheduledWake
        else { return }
        sleeper.cancel()
    }

    /// Runs the jitter buffer's timers (give-up, NACK retries, PLI repeats) and sends reports when due.
    func tick() async {
        await receiver.tick()
        let now = RuntimeClock.now()
        if let due = nextReport, now >= due {
            nextReport = due + configuration.reportInterval
            await sendReports()
        }
    }

    /// Sender reports for what we send, with report blocks about what we receive (a receiver report when we send
    /// nothing), in one compound packet (RFC 3550 §6.1).
    func sendReports() async {
        let now = RuntimeClock.now()
        let blocks = await receiver.reportBlocks(now: now)
        let packets = await sender.reports(blocks: blocks, now: now)
        guard !packets.isEmpty else { return }
        await transport.sendRTCP(RTCPCompound(packets: packets).encoded)
    }

    /// Stops sending and receiving, finalizes the recordings and returns what the call measured.
    func stop() async -> CallMediaSummary {
        if !isStopped {
            isStopped = true
            await sender.stop()
            runTask?.cancel()
            await runTask?.value
            await receiver.stop()
        }
        return await summary()
    }

    // MARK: Results

    /// Both halves' statistics together.
    var stats: CallMediaStats {
        get async {
            let sent = await sender.stats
            var stats = CallMediaStats.direction(sender: sent, receiver: await receiver.currentStats())
            stats.nacksReceived = sent.nacksReceived
            stats.keyframeRequestsReceived = sent.keyframeRequestsReceived
            stats.plisSent += sent.plisSent  // keyframe requests an echo forwarded
            return stats
        }
    }

    /// When the first remote video frame was decoded (call set-up ends there for a viewer).
    var firstVideoDecodedAt: Instant? { get async { await receiver.firstVideoDecodedAt } }
    /// When the first remote audio frame was decoded.
    var firstAudioDecodedAt: Instant? { get async { await receiver.firstAudioDecodedAt } }

    /// The summary so far (the final one once stopped).
    func summary() async -> CallMediaSummary {
        let end = RuntimeClock.now()
        let firstVideo = await firstVideoDecodedAt, firstAudio = await firstAudioDecodedAt
        return CallMediaSummary(
            stats: await stats, duration: (end - (mediaStart ?? createdAt)).milliseconds / 1000,
            setupMs: connectedAt.map { ($0 - createdAt).milliseconds },
            firstVideoMs: firstVideo.map { ($0 - createdAt).milliseconds },
            firstAudioMs: firstAudio.map { ($0 - createdAt).milliseconds },
            recording: await receiver.recordingSummary())
    }

    /// One short line of the current numbers, for a live display.
    func liveLine() async -> String {
        let s = await stats
        return "tx \(s.videoFramesSent) fr/\(s.audioFramesSent) au | rx \(s.videoFramesDecoded)/" +
            "\(s.videoFramesReceived) fr, \(s.audioFramesReceived) au (\(s.audioFramesConcealed) concealed) | psnr " +
            "\(number(s.averagePSNR)) lat \(number(s.latencyPercentile(0.5), 0))ms | nack \(s.nacksSent) pli " +
            "\(s.plisSent) rtx \(s.packetsRetransmitted) | rtt \(number(s.rttMs, 0))ms loss " +
            "\(number((s.receivedLossFraction ?? 0) * 100))% av \(number(s.avSyncOffsetMs, 0))ms"
    }
}

/// CPU time of the calling thread, for per-codec cost (CLOCK_THREAD_CPUTIME_ID).
func processThreadCPU() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
