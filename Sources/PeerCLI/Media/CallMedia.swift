import Foundation
import Media
import MediaSession
import Peer
import PeerRuntime
import RTP
import Synchronization
import Wire

/// The owner side of one call's media at one endpoint: the sources that feed the engine, the codec threads, and
/// the numbers. The engine itself — packetizing, the retransmission history that answers NACKs, keyframes on
/// PLI/FIR, the jitter buffer with its NACKs and PLIs, sender and receiver reports — is the call's `MediaSession`,
/// inside its `CallMachine` on the call's event loop. This actor only:
/// - runs the configured sources on their clocks and hands pictures and audio to the engine (pre-encoded files go
///   straight in as encoded frames);
/// - runs the codecs the engine asks for (`CallCodecs`), recording and measuring on their threads;
/// - follows the peer's state, and reports the engine's counters with the codecs' measurements.
///
/// `run(until:)` (or `start()`) drives the sources; `stop()` finalizes recordings and returns the summary.
/// `linkup loopback`, `call`, `bot` and `probe` all use it.
actor CallMedia {
    let configuration: CallMediaConfiguration
    /// When this endpoint was created: the origin of the summary's "connected" and "first frame" times.
    let createdAt: Instant
    private let call: CallAccess
    private let codecs: CallCodecs
    private let sources: MediaSources
    /// Whether the engine forwards what it receives (echo) rather than sending sources of its own.
    private let echoes: Bool
    var mediaStart: Instant?
    var runTask: Task<Void, Never>?
    var isStopped = false
    /// When the peer reported `connected`, and why it failed if it did.
    private(set) var connectedAt: Instant?
    private(set) var failure: String?

    /// A media endpoint for the call inside `runtime` (a `CallMachine`, or one behind `LossyMachine`): opens the
    /// codecs and files named in `configuration`, starts the call's engine (as an endpoint, or as an echo that
    /// decodes what it forwards), and takes the engine's codec work off the call's events. Throws when a file
    /// cannot be read or a codec not created.
    init<Machine: CallHostingMachine>(runtime: MachineRuntime<Machine>, configuration: CallMediaConfiguration,
                                      ntp: NTPClock = CallMedia.wallClock()) async throws {
        let call = CallAccess(runtime: runtime)
        self.call = call
        self.configuration = configuration
        createdAt = RuntimeClock.now()
        codecs = try CallCodecs(call: call, configuration: configuration, ntp: ntp)
        sources = try MediaSources(configuration: configuration, call: call)
        echoes = configuration.video == .echo || configuration.audio == .echo
        let codecs = codecs
        await call.divert { codecs.take($0) }
        let echoes = echoes
        await call.perform { machine, _ in
            if echoes {
                machine.startEcho(ntp: ntp, decoding: true, random: SystemRandomNumberGenerator())
            } else {
                machine.startEndpoint(ntp: ntp, random: SystemRandomNumberGenerator())
            }
        }
    }

    /// This machine's wall clock (the system's real time) as an NTP clock anchored at the runtime's clock now.
    static func wallClock() -> NTPClock {
        let seconds = Date().timeIntervalSince1970 + 2_208_988_800  // RFC 5905 §6: NTP counts from 1900.
        return NTPClock(referenceInstant: RuntimeClock.now(), referenceNTP: UInt64(seconds * 4_294_967_296))
    }

    // MARK: Events

    /// Follows the call's events until the stream ends (or the task is cancelled).
    func consume(_ events: AsyncStream<CallEvent>) async {
        for await event in events {
            if case let .peer(event) = event { handle(event) }
            if Task.isCancelled { break }
        }
    }

    /// Takes one event of the peer: the connection state and failures matter here; RTP and RTCP go to the
    /// engine inside the call and never come this way.
    func handle(_ event: PeerEvent) {
        switch event {
        case .connectionStateChanged(.connected):
            if connectedAt == nil { connectedAt = RuntimeClock.now() }
        case let .failed(error):
            failure = error.description
        default:
            break
        }
    }

    // MARK: Sources

    /// Sends media from the configured sources until `sendingUntil` (default: `end`), and keeps receiving until
    /// `end` (nil: until cancelled or stopped).
    func run(until end: Instant?, sendingUntil: Instant? = nil) async {
        let start = RuntimeClock.now()
        if mediaStart == nil { mediaStart = start }
        let sources = sources
        let sendEnd = sendingUntil ?? end
        await withTaskGroup(of: Void.self) { group in
            if !echoes {
                group.addTask { await sources.videoLoop(until: sendEnd) }
                group.addTask { await sources.audioLoop(until: sendEnd) }
            }
            if let end { group.addTask { await sleep(until: end) } }
        }
        guard end == nil else { return }
        // Until cancelled: receiving goes on inside the call and on the codec threads.
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    /// Runs `run(until: nil)` in a task of its own; `stop()` ends it.
    func start() {
        guard runTask == nil, !isStopped else { return }
        runTask = Task { await self.run(until: nil) }
    }

    /// Stops sending and receiving, finalizes the recordings and returns what the call measured.
    func stop() async -> CallMediaSummary {
        if !isStopped {
            isStopped = true
            sources.stop()
            runTask?.cancel()
            await runTask?.value
            codecs.finish()
        }
        return await summary()
    }

    // MARK: Results

    /// The engine's own counters.
    var engineStats: MediaSessionStats {
        get async { await call.stats() ?? MediaSessionStats() }
    }

    /// The engine's counters with the codecs' measurements.
    var stats: CallMediaStats {
        get async {
            let engine = await call.stats() ?? MediaSessionStats()
            let measured = codecs.measurements.withLock { $0 }
            var stats = CallMediaStats(engine: engine, measured: measured, echoes: echoes)
            stats.decodeQueueDrops = codecs.decodeQueueDrops
            return stats
        }
    }

    /// When the first remote video frame was decoded (call set-up ends there for a viewer).
    var firstVideoDecodedAt: Instant? { codecs.measurements.withLock { $0.firstVideoDecodedAt } }
    /// When the first remote audio frame was decoded.
    var firstAudioDecodedAt: Instant? { codecs.measurements.withLock { $0.firstAudioDecodedAt } }

    /// The summary so far (the final one once stopped).
    func summary() async -> CallMediaSummary {
        let end = RuntimeClock.now()
        let firstVideo = firstVideoDecodedAt, firstAudio = firstAudioDecodedAt
        return CallMediaSummary(
            stats: await stats, duration: (end - (mediaStart ?? createdAt)).milliseconds / 1000,
            setupMs: connectedAt.map { ($0 - createdAt).milliseconds },
            firstVideoMs: firstVideo.map { ($0 - createdAt).milliseconds },
            firstAudioMs: firstAudio.map { ($0 - createdAt).milliseconds },
            recording: codecs.recordingSummary(configuration.recording))
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
