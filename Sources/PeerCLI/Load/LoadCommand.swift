import ArgumentParser
import Foundation
import MediaSession
import PeerRuntime
import Wire

/// `linkup load`: many callers in one process, each a full peer, calling one participant (an echo bot) at once.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Place many calls at once to an echo bot and measure connect time, loss and echo round trip.",
        discussion: """
            Starts --calls callers in this process, each with its own signaling connection (named \
            load-0, load-1, ...) and its own peer (ICE, DTLS, SRTP), and has every one of them call --to at the \
            same moment. Each replays the same pre-encoded media for --duration seconds once connected: the \
            test pattern and a tone are encoded once before the calls start (or IVF / Ogg Opus files are read), \
            so the callers cost no codec time. What the echo sends back is matched packet by packet: connect \
            time, packets sent and echoed, loss on the echoed streams (both legs), echo round trip and jitter. \
            Prints a summary table; --json prints it, with one entry per call, as one JSON object.
            Example: linkup load --server http://127.0.0.1:8080 --room load --to echo-bot --calls 16 --duration 10
            """)

    @Option(help: "The signaling server, e.g. http://127.0.0.1:8080.")
    var server: String

    @Option(help: "The room the target is in.")
    var room: String

    @Option(help: "The name of the participant to call (an echo bot).")
    var to: String

    @Option(help: "Calls placed at once.")
    var calls = 16

    @Option(help: "Seconds of media per call, from the moment it connects.")
    var duration: Double = 10

    @Option(help: "Video to replay: testsrc[:WxH@fps] (encoded once), file:PATH.ivf, or none.")
    var video: VideoSourceSpec = .testPattern(width: 640, height: 480, fps: 30)

    @Option(help: "Audio to replay: tone[:Hz] (encoded once), file:PATH.ogg, or none.")
    var audio: AudioSourceSpec = .tone(frequency: 440)

    @Option(help: "VP8 bitrate of the test pattern, in kbit/s.")
    var videoKbps = 600

    @Option(help: "The token, when the server requires one (linkup serve --token).")
    var token: String?

    @Option(help: "Local IP address to bind for media (repeatable). Default: every up interface.")
    var host: [String] = []

    @Option(help: "A PEM file of certificate authorities to trust for a wss:// or https:// server, besides the system's.")
    var caFile: String?

    @Option(help: "Seconds to wait for the target to appear and for each call to connect.")
    var timeout: Double = 30

    @Flag(help: "Print the summary, with one entry per call, as one JSON object on standard output.")
    var json = false

    func validate() throws {
        guard (1...1000).contains(calls) else { throw ValidationError("--calls must be in 1...1000") }
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be in (0, 3600]") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard (50...10_000).contains(videoKbps) else { throw ValidationError("--video-kbps must be in 50...10000") }
        for address in host where IPAddress(address) == nil {
            throw ValidationError("--host \"\(address)\" is not an IP address")
        }
    }

    func run() async throws {
        // Each caller holds a UDP socket and a signaling connection.
        let files = FileDescriptorLimit.raiseToMaximum()
        if files < calls * 3 + 64 {
            printError("linkup load: only \(files) open files are allowed (ulimit -n); \(calls) calls need about " +
                       "\(calls * 3 + 64)")
        }
        let program: ReplayProgram
        do {
            program = try ReplayProgramBuilder.build(video: video, audio: audio, videoBitrate: videoKbps * 1000)
        } catch {
            printError("linkup load: \(error)")
            throw ExitCode.failure
        }
        let loopSeconds = Double(program.loopDuration.components.seconds)
        printError("linkup load: \(program.packetsPerLoop) packets per \(loopSeconds) s loop ready; placing \(calls) " +
                   "calls to \(to) in room \"\(room)\"")
        let started = RuntimeClock.now()
        var callers: [LoadCaller] = []
        for index in 0..<calls {
            var arguments = ["--server", server, "--room", room, "--name", "load-\(index)"]
            if let token { arguments += ["--token", token] }
            for address in host { arguments += ["--host", address] }
            let signaling = try SignalingOptions.parse(arguments)
            callers.append(LoadCaller(index: index, signaling: signaling, caFile: caFile, target: to, program: program,
                                      duration: .milliseconds(Int64(duration * 1000)),
                                      timeout: .milliseconds(Int64(timeout * 1000))))
        }
        let results = await withTaskGroup(of: LoadCallResult.self) { group in
            for caller in callers { group.addTask { await caller.run() } }
            var results: [LoadCallResult] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.index < $1.index }
        }
        let report = LoadReport(results: results, seconds: (RuntimeClock.now() - started).milliseconds / 1000)
        if json {
            print(report.json.serialized)
        } else {
            print(report.text)
        }
        if report.connected.isEmpty { throw ExitCode.failure }
    }
}
