import ArgumentParser
import Foundation
import Logging

/// The `linkup` command line: the one program that drives the LinkUp peer stack and signaling server.
@main
struct LinkUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linkup",
        abstract: "A native WebRTC peer for Linux: video calls, media bots and a signaling server.",
        discussion: """
            LinkUp speaks WebRTC itself (ICE, DTLS-SRTP, RTP/RTCP, Opus, VP8) and exchanges SDP through a \
            Socket.IO signaling server, so a Linux box, a headless bot and a browser user can call each other.

            Quick start: `linkup serve` in one terminal, `linkup bot --server http://127.0.0.1:8080 --room demo \
            --mode echo` in another, then `linkup call --server http://127.0.0.1:8080 --room demo --to echo-bot`, \
            or open http://127.0.0.1:8080/?room=demo in a browser and call the bot from there.
            """,
        version: LinkUpVersion.current,
        subcommands: [
            ServeCommand.self, TokenCommand.self, CallCommand.self, BotCommand.self, LoopbackCommand.self,
            DevicesCommand.self, ProbeCommand.self, LoadCommand.self, BenchSRTPCommand.self,
        ]
    )

    /// Sets up logging, then runs the chosen subcommand.
    static func main() async {
        LogSetup.bootstrap()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Logs go to standard error (standard output is for results and `--json`), at the level named by the
/// LINKUP_LOG environment variable (trace, debug, info, notice, warning, error, critical; default warning).
enum LogSetup {
    static func bootstrap() {
        let level = ProcessInfo.processInfo.environment["LINKUP_LOG"].flatMap(Logger.Level.init(rawValue:))
            ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// The version `linkup --version` prints.
enum LinkUpVersion {
    static let current = "0.2.0"
}
