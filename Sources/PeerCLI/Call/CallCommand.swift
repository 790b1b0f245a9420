import ArgumentParser
import Foundation
import PeerRuntime
import RTP
import Signaling
import Wire

/// `linkup call`: join a room through a signaling server and call someone there (or answer a call), with live
/// stats while it runs and a summary at the end.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Join a room on a signaling server and call someone (or answer), with live stats.",
        discussion: """
            Connects to a LinkUp signaling server (linkup serve, PROTOCOL.md), joins --room, and calls the \
            participant named --to (or the first other participant; if the room is empty it waits --wait seconds \
            for someone to join). With --answer it waits for a call instead and accepts it. Media runs for \
            --duration seconds (or until the other side hangs up), then it hangs up and prints a summary: set-up \
            time (call to connected, and to the first remote video frame decoded), frames, bitrate, loss, \
            NACK/PLI, RTT and, when the other side sends LinkUp's test pattern, PSNR and latency.

            Sources: --video testsrc[:WxH@fps] | file:clip.ivf | v4l2:/dev/videoN | screen[:DISPLAY][@fps] | none, \
            --audio tone[:Hz] | file:clip.ogg | alsa:DEVICE | none (linkup devices lists cameras and sound \
            devices). --record DIR writes what is received to DIR as IVF (VP8) and Ogg (Opus).

            With a display (--window auto|on|off) a window shows the other side, your own picture as an inset, \
            the name and duration, and live numbers; keys: m mute, v camera off/on, s share the screen, \
            f full screen, q or Esc hang up. Received audio plays on --speaker (alsa:default unless told; none \
            for silence); a microphone (--audio alsa:...) gets echo cancellation unless --no-aec.

            Chat and files (data channels, as the web client): the caller opens a "chat" channel with its offer. \
            Lines typed or piped on standard input are sent as chat messages once it is open (at end of input \
            reading stops; the call goes on); lines received print on standard output as "NAME: text" (on \
            standard error with --json). --send-file PATH (repeatable) sends files once connected, one after the \
            other, with progress on standard error; the receiver checks size and SHA-256. Incoming files are \
            refused unless --receive-dir DIR is given; then each is written to a hidden temporary file in DIR and \
            renamed to its (sanitized) name only once verified, with " (1)", " (2)"... when the name is taken. \
            When --duration passes while files are still going either way, the call waits up to \
            --transfer-grace seconds (30) for them before hanging up; a transfer cut off leaves no file behind.

            Examples:
              linkup call --server http://127.0.0.1:8080 --room demo --to echo-bot --duration 10
              linkup call --server http://127.0.0.1:8080 --room demo --answer --record /tmp/rec
              echo hello | linkup call --server http://127.0.0.1:8080 --room demo --to echo-bot --send-file big.bin
            """)

    @OptionGroup var signaling: SignalingOptions

    @OptionGroup(title: "STUN and TURN") var iceOptions: ICEServerCommandOptions

    @Option(help: "Call the participant with this name (default: the first other participant).")
    var to: String?

    @Flag(help: "Wait for an incoming call and accept it, instead of calling.")
    var answer = false

    @Option(help: "Video to send: testsrc[:WxH@fps], file:PATH.ivf, v4l2:/dev/videoN (a camera), or none.")
    var video: VideoSourceSpec = .testPattern(width: 640, height: 480, fps: 30)

    @Option(help: "Audio to send: tone[:Hz], file:PATH.ogg, alsa:DEVICE (a microphone, e.g. alsa:default), or none.")
    var audio: AudioSourceSpec = .tone(frequency: 440)

    @Option(help: "The call window: auto (when a display is available), on, or off.")
    var window: PersonDevices.WindowMode = .auto

    @Option(help: "Where received audio plays: alsa:DEVICE (default alsa:default), or none.")
    var speaker: String?

    @Flag(name: .customLong("no-aec"), help: "No echo cancellation or noise suppression on the microphone.")
    var noAEC = false

    @Option(help: "Write the received video (IVF) and audio (Ogg Opus) into this directory.")
    var record: String?

    @Option(help: "Seconds of media before hanging up.")
    var duration: Double = 30

    @Option(help: "Seconds to wait for someone to call (or to answer, or to join).")
    var wait: Double = 30

    @Option(name: .customLong("send-file"), help: ArgumentHelp(
        "Send this file over a data channel once connected (repeatable).", valueName: "path"))
    var sendFiles: [String] = []

    @Option(name: .customLong("receive-dir"), help: ArgumentHelp(
        "Save files the other side sends into this directory (created if missing); without it they are refused.",
        valueName: "dir"))
    var receiveDirectory: String?

    @Option(name: .customLong("transfer-grace"), help: ArgumentHelp(
        "Seconds to wait after --duration for file transfers still in progress.", valueName: "seconds"))
    var transferGrace: Double = 30

    @Flag(help: "Print the summary as one JSON object on standard output (and no live line).")
    var json = false

    func validate() throws {
        guard duration > 0, duration <= 24 * 3600 else { throw ValidationError("--duration must be in (0, 86400]") }
        guard wait > 0, wait <= 3600 else { throw ValidationError("--wait must be in (0, 3600]") }
        if answer, to != nil { throw ValidationError("choose one of --to and --answer") }
        guard transferGrace >= 0, transferGrace <= 3600 else {
            throw ValidationError("--transfer-grace must be in [0, 3600]")
        }
        for path in sendFiles {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  FileManager.default.isReadableFile(atPath: path) else {
                throw ValidationError("--send-file \(path): no such readable file")
            }
        }
        for spec in [video] where spec == .echo { throw ValidationError("--video echo is for bots (linkup bot)") }
        for spec in [audio] where spec == .echo { throw ValidationError("--audio echo is for bots (linkup bot)") }
        if let speaker, speaker != "none", !speaker.hasPrefix("alsa:") || speaker.count <= 5 {
            throw ValidationError("--speaker takes alsa:DEVICE (e.g. alsa:default) or none")
        }
    }

    func run() async throws {
        do {
            let summary = try await placeOrAnswer()
            if json {
                print(summary.json.serialized)
            } else {
                print(summary.text)
            }
            if !summary.succeeded {
                printError("linkup call: the call failed: \(summary.endReason ?? "it did not connect")")
                throw ExitCode.failure
            }
        } catch let error as CallError {
            printError("linkup call: \(error)")
            throw ExitCode.failure
        }
    }

    private func placeOrAnswer() async throws -> CallSummary {
        if let record { try? FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true) }
        var plan = CallMediaPlan(video: video, audio: audio, recordDirectory: record, fileTag: "call")
        try plan.checkSources()
        let devices = try openDevices()
        defer { finish(devices) }
        plan.taps = devices.taps
        let media = MediaRegistry(plan: plan)
        if let receiveDirectory {
            do {
                try FileManager.default.createDirectory(atPath: receiveDirectory, withIntermediateDirectories: true)
            } catch {
                throw CallError("--receive-dir \(receiveDirectory): \(error)")
            }
            guard FileManager.default.isWritableFile(atPath: receiveDirectory) else {
                throw CallError("--receive-dir \(receiveDirectory): not a writable directory")
            }
        }
        let data = DataChannelRegistry(plan: DataChannelPlan(
            role: .person, opensChat: true, receiveDirectory: receiveDirectory, chatToStandardOutput: !json,
            showsProgress: true, logTag: "linkup call"))
        let session = try await RoomSession.join(signaling, defaultName: "linkup-\(getpid())",
                                                 caFile: iceOptions.caFile)
        devices.updateWindow { $0.remoteName = to ?? ""; $0.stateText = answer ? "waiting for a call…" : "calling…" }
        let network: CallNetwork
        do {
            network = try iceOptions.network(signaling, joinAck: session.iceServers)
        } catch {
            await session.leave()
            throw error
        }
        if !json {
            printError("linkup call: ICE servers: " + (network.iceServers.isEmpty ? "none (host candidates only)"
                : network.iceServers.map(\.description).joined(separator: ", ")) + (network.relayOnly ? "; relay only" : ""))
        }
        let router = CallRouter(signaling: ClientCallSignaling(client: session.client),
                                network: network, acceptsCalls: answer, maximumCalls: 1,
                                hooks: data.hooks(around: media.hooks))
        let pump = session.pump(into: router, verbose: !json)
        defer { pump.cancel() }
        if !json { printError("linkup call: joined \"\(session.room)\" as \(session.me.name) (\(session.me.id))") }

        let callStart = RuntimeClock.now()
        var summary = CallSummary(room: session.room, me: session.me.name)
        do {
            if answer {
                if !json { printError("linkup call: waiting up to \(Int(wait)) s for a call") }
            } else {
                guard let target = await session.roster.waitFor(name: to, timeout: .milliseconds(Int64(wait * 1000)))
                else {
                    throw CallError(to.map { "nobody named \"\($0)\" joined \"\(session.room)\" within \(Int(wait)) s" }
                                    ?? "nobody else joined \"\(session.room)\" within \(Int(wait)) s")
                }
                summary.remote = target.name
                if !json { printError("linkup call: calling \(target.name) (\(target.id))") }
                try await router.place(to: target.id, name: target.name)
            }
            let leg = try await waitForLeg(router, timeout: wait)
            summary.remote = leg.remoteName
            guard await leg.waitForConnection(timeout: .seconds(15)) else {
                throw CallError("the call with \(leg.remoteName) did not connect: " +
                                (await leg.failure ?? "no connection within 15 s"))
            }
            let connectedAt = await leg.connectedAt ?? RuntimeClock.now()
            summary.connectMs = (connectedAt - callStart).milliseconds
            summary.transport = await leg.transportDescription
            devices.updateWindow { $0.remoteName = leg.remoteName; $0.connectedAt = connectedAt; $0.stateText = "" }
            if !json {
                printError("linkup call: connected to \(leg.remoteName) in \(Int(summary.connectMs ?? 0)) ms " +
                           "(\(summary.transport))")
            }
            let channels = await data.session(for: leg.remoteID)
            let typing = Task { for await line in StandardInputLines.start() { await channels?.sendChat(line) } }
            let files = sendFiles
            let sending = Task { await channels?.sendFiles(files) }
            defer {
                typing.cancel()
                sending.cancel()
            }
            summary.endReason = await runMedia(router: router, media: media, leg: leg, from: connectedAt,
                                               devices: devices)
            if summary.endReason == nil { await waitForTransfers(data, router: router) }
            summary.transport = await leg.transportDescription
            summary.iceRestarts = await leg.restarts
            summary.longestGapMs = await leg.longestGap?.milliseconds
        } catch let error as CallError {
            summary.endReason = error.description
            summary.failed = true
        }
        await router.hangUpAll(reason: "the call's duration ended")
        // The other side may have hung up at the same moment: its hangup ends the leg in the signaling task, and
        // the media summary is only in once that end is done.
        await router.waitUntilIdle()
        if let result = await media.results.first {
            summary.media = result.summary
            if let first = result.firstVideoFrameAt { summary.firstFrameMs = (first - callStart).milliseconds }
            if summary.endReason == nil { summary.endReason = result.reason }
        }
        summary.data = await data.results.first?.summary
        await session.leave()
        summary.playout = devices.playout?.stats
        return summary
    }

    /// --duration passed: file transfers still going either way get up to --transfer-grace seconds to finish.
    private func waitForTransfers(_ data: DataChannelRegistry, router: CallRouter) async {
        let count = await data.transfersInFlight()
        guard count > 0, transferGrace > 0 else { return }
        printError("linkup call: waiting up to \(Int(transferGrace)) s for \(count) file transfer" +
                   (count == 1 ? "" : "s") + " in progress")
        let deadline = RuntimeClock.now() + .milliseconds(Int64(transferGrace * 1000))
        while RuntimeClock.now() < deadline, await data.transfersInFlight() > 0, await !router.isIdle {
            await router.waitForChange()
        }
    }

    /// The window and the speaker, as --window, --speaker and --no-aec ask.
    private func openDevices() throws -> PersonDevices {
        let speakerDevice = speaker.map { $0 == "none" ? nil : String($0.dropFirst("alsa:".count)) } ?? "default"
        var screenIsSource = false
        if case .screen = video { screenIsSource = true }
        var microphone = false
        if case .microphone = audio { microphone = true }
        let devices = try PersonDevices(window: json && window == .auto ? .off : window,
                                        title: "LinkUp · \(signaling.room)", speaker: speakerDevice,
                                        speakerExplicit: speaker != nil, echoCancellation: !noAEC,
                                        microphone: microphone, screenIsSource: screenIsSource)
        if !json {
            for note in devices.notes { printError("linkup call: \(note)") }
            if devices.window != nil { printError("linkup call: window open (m mute, v camera, s share, q hang up)") }
            if let playout = devices.playout {
                printError("linkup call: playing received audio on \"\(playout.device)\"" +
                           (devices.cancelsEcho ? " with echo cancellation on the microphone" : ""))
            }
        }
        return devices
    }

    /// Closes the devices, saying how playout went.
    private func finish(_ devices: PersonDevices) {
        if let stats = devices.playout?.stats {
            printError("linkup call: playout: delay \(Int(stats.meanPlayoutDelayMs.rounded())) ms on average, " +
                       "\(Int(stats.playoutDelayMs.rounded())) ms at the end (target " +
                       "\(Int(stats.targetMs.rounded())) ms), \(stats.bufferUnderruns) buffer underruns, " +
                       "\(stats.deviceUnderruns) device underruns, \(stats.samplesPlayed / 48) ms played")
        }
        if let window = devices.window {
            printError("linkup call: window: redrawn \(window.framesPresented) times, \(window.framesSkipped) remote " +
                       "pictures skipped (a newer one was waiting)")
        }
        devices.stop()
    }

    /// The call's leg, once the other side accepted (or called); fails on rejection or time-out.
    private func waitForLeg(_ router: CallRouter, timeout: Double) async throws -> CallLeg {
        switch await router.waitForFirstLeg(until: RuntimeClock.now() + .milliseconds(Int64(timeout * 1000))) {
        case let .started(leg): return leg
        case let .rejected(id, reason): throw CallError("\(id) rejected the call: \(reason)")
        case .timedOut:
            throw CallError(answer ? "no call came within \(Int(timeout)) s" : "no answer within \(Int(timeout)) s")
        }
    }

    /// Media until the duration passes or the leg ends; a live line every second. Returns why it ended, if the
    /// other side ended it.
    private func runMedia(router: CallRouter, media: MediaRegistry, leg: CallLeg, from start: Instant,
                          devices: PersonDevices) async -> String? {
        let end = start + .milliseconds(Int64(duration * 1000))
        var nextLine = start + .seconds(1)
        let restartRequests = RestartSignal()
        var overlay = CallOverlay()
        while RuntimeClock.now() < end {
            if restartRequests.take() { await leg.restartICE(reason: "asked for with SIGUSR1") }
            if await router.isIdle { return await media.results.first?.reason }
            if devices.pollWindow() { return "you hung up" }
            if devices.window != nil, let current = await media.firstCallStats() {
                let reconnecting = await current.leg.isReconnecting
                let now = RuntimeClock.now()
                let silent = overlay.silentSeconds(current.stats, now: now)
                let state = reconnecting ? "reconnecting…"
                    : silent.map { "on hold: nothing from \(leg.remoteName) for \($0) s" } ?? ""
                if let line = overlay.line(current.stats, path: current.path, now: now, playout: devices.playout?.stats) {
                    devices.updateWindow { $0.statsLine = line }
                }
                if devices.window?.currentStatus.stateText != state { devices.updateWindow { $0.stateText = state } }
            }
            if !json, RuntimeClock.now() >= nextLine {
                nextLine = nextLine + .seconds(1)
                let seconds = Int((RuntimeClock.now() - start).milliseconds / 1000)
                for line in await media.liveLines() { printError("[\(seconds)s] \(line)") }
            }
            await router.waitForChange()
        }
        return nil
    }
}
