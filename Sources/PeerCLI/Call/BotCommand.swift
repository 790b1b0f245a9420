import ArgumentParser
import Foundation
import PeerRuntime
import RTP
import Signaling
import Wire

/// `linkup bot`: a headless participant that stays in a room and accepts every call: it echoes each caller's
/// media back, records it, or plays a source to it.
struct BotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bot",
        abstract: "Stay in a room as a headless bot that echoes, records or plays media to every caller.",
        discussion: """
            Joins --room on a LinkUp signaling server and accepts every call, each with its own peer, up to \
            --max-calls at once. Modes:
              echo    sends each caller's own video and audio back to it, packet by packet, without decoding \
                      (--verify decodes and re-packetizes instead, and measures what arrived);
              record  writes each caller's video and audio to --record DIR as NAME-ID.ivf and NAME-ID.ogg;
              play    sends --video and --audio (test pattern and tone by default) to each caller.
            Data channels (chat and files, as the web client and linkup call use them) are accepted in every \
            mode: the echo bot sends every message back on the channel it came on, and checks files sent to it \
            (size and SHA-256, the verdict goes back) without keeping them; the record bot saves files into \
            --record DIR (verified first, under their sanitized names) and logs chat lines; the play bot logs chat \
            lines and refuses files.
            It runs until interrupted (Ctrl-C, SIGTERM), or for --duration seconds; it then hangs up every call \
            and finishes its files. A line goes to standard error for every call that starts or ends, and a load \
            line (calls, packets/s, CPU, memory, drops) every second while calls are in progress; with --json, \
            each ended call and each load report is also printed on standard output as one JSON object.
            """)

    /// What the bot does with each call.
    enum Mode: String, ExpressibleByArgument, CaseIterable, Sendable {
        case echo, record, play
    }

    @OptionGroup var signaling: SignalingOptions

    @OptionGroup(title: "STUN and TURN") var iceOptions: ICEServerCommandOptions

    @Option(help: "echo, record or play.")
    var mode: Mode

    @Option(help: "The directory recordings go to (record mode; created if missing).")
    var record: String?

    @Option(help: "Video to play: testsrc[:WxH@fps], file:PATH.ivf, v4l2:/dev/videoN, or none (play mode).")
    var video: VideoSourceSpec = .testPattern(width: 640, height: 480, fps: 30)

    @Option(help: "Audio to play: tone[:Hz], file:PATH.ogg, alsa:DEVICE, or none (play mode).")
    var audio: AudioSourceSpec = .tone(frequency: 440)

    @Option(help: "Calls held at once; more are rejected as busy (default: 100 per CPU core).")
    var maxCalls = max(ProcessInfo.processInfo.activeProcessorCount, 1) * 100

    @Flag(help: "Echo mode: decode what arrives and send the frames back (measures it; costs far more CPU).")
    var verify = false

    @Option(help: "Leave after this many seconds (default: run until interrupted).")
    var duration: Double?

    @Flag(help: "Print each ended call as one JSON object on standard output.")
    var json = false

    func validate() throws {
        if mode == .record, record == nil { throw ValidationError("record mode needs --record DIR") }
        if mode != .record, record != nil { throw ValidationError("--record is for --mode record") }
        guard (1...2048).contains(maxCalls) else { throw ValidationError("--max-calls must be in 1...2048") }
        if verify, mode != .echo { throw ValidationError("--verify is for --mode echo") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
        if video == .echo || audio == .echo { throw ValidationError("use --mode echo to echo") }
    }

    func run() async throws {
        // A UDP socket per call (a few for calls on several interfaces).
        let files = FileDescriptorLimit.raiseToMaximum()
        if files < maxCalls * 2 + 64 {
            printError("linkup bot: only \(files) open files are allowed (ulimit -n); --max-calls \(maxCalls) may " +
                       "need about \(maxCalls * 2 + 64)")
        }
        if let record {
            do {
                try FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true)
            } catch {
                printError("linkup bot: cannot create the recording directory \(record): \(error)")
                throw ExitCode.failure
            }
        }
        let plan: CallMediaPlan
        switch mode {
        case .echo:
            plan = CallMediaPlan(video: .echo, audio: .echo, recordDirectory: nil, fileTag: "bot",
                                 forwardsEcho: !verify)
        case .record: plan = CallMediaPlan(video: .none, audio: .none, recordDirectory: record, fileTag: "bot")
        case .play: plan = CallMediaPlan(video: video, audio: audio, recordDirectory: nil, fileTag: "bot")
        }
        do {
            try plan.checkSources()
        } catch {
            printError("linkup bot: \(error)")
            throw ExitCode.failure
        }
        let json = self.json
        let media = MediaRegistry(plan: plan) { result in
            printError("linkup bot: call with \(result.remoteName) ended (\(result.reason)): \(result.summary.oneLine)")
            if json { FileHandle.standardOutput.write(Data((result.json.serialized + "\n").utf8)) }
        }
        let data = DataChannelRegistry(plan: DataChannelPlan(
            role: mode == .echo ? .echo : .bot, opensChat: false, receiveDirectory: mode == .record ? record : nil,
            chatToStandardOutput: false, showsProgress: false, logTag: "linkup bot")) { result in
            guard result.summary.negotiated else { return }
            let lines = result.summary.lines.map { $0.trimmingCharacters(in: .whitespaces) }
            printError("linkup bot: with \(result.remoteName): " + lines.joined(separator: "; "))
        }
        let session: RoomSession
        do {
            session = try await RoomSession.join(signaling, defaultName: "\(mode.rawValue)-bot",
                                                     caFile: iceOptions.caFile)
        } catch let error as CallError {
            printError("linkup bot: \(error)")
            throw ExitCode.failure
        }
        let network: CallNetwork
        do {
            network = try iceOptions.network(signaling, joinAck: session.iceServers)
        } catch {
            printError("linkup bot: \(error)")
            await session.leave()
            throw ExitCode.failure
        }
        printError("linkup bot: ICE servers: " + (network.iceServers.isEmpty ? "none (host candidates only)"
            : network.iceServers.map(\.description).joined(separator: ", ")) + (network.relayOnly ? "; relay only" : ""))
        let router = CallRouter(signaling: ClientCallSignaling(client: session.client),
                                network: network, acceptsCalls: true, maximumCalls: maxCalls,
                                hooks: data.hooks(around: media.hooks))
        let pump = session.pump(into: router, verbose: true)
        printError("linkup bot: \(mode.rawValue) bot \"\(session.me.name)\" (\(session.me.id)) is in room " +
                   "\"\(session.room)\"; waiting for calls")
        let stop = ShutdownSignal()
        let deadline = duration.map { RuntimeClock.now() + .milliseconds(Int64($0 * 1000)) }
        let restartRequests = RestartSignal()
        var meter = BotLoadMeter()
        var nextLoadReport = RuntimeClock.now() + .seconds(1)
        var reportedIdle = true
        while !stop.requested, deadline.map({ RuntimeClock.now() < $0 }) ?? true {
            if restartRequests.take() { await router.restartAll(reason: "asked for with SIGUSR1") }
            await router.waitForChange()
            if RuntimeClock.now() >= nextLoadReport {
                nextLoadReport = RuntimeClock.now() + .seconds(1)
                let (calls, totals) = await media.forwardingTotals()
                let report = meter.report(calls: calls, totals: totals)
                // Idle seconds are reported once, not every second.
                if calls > 0 || !reportedIdle {
                    printError(report.line)
                    if json { FileHandle.standardOutput.write(Data((report.json.serialized + "\n").utf8)) }
                }
                reportedIdle = calls == 0
            }
        }
        printError("linkup bot: leaving (\(stop.requested ? "interrupted" : "duration reached"))")
        await router.hangUpAll(reason: "the bot is leaving")
        pump.cancel()
        await session.leave()
    }
}
