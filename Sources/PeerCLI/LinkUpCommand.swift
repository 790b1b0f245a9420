import ArgumentParser

/// The `linkup` command line: the one program that drives the LinkUp peer stack and signaling server.
@main
struct LinkUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linkup",
        abstract: "A native WebRTC peer for Linux: video calls, media bots and a signaling server.",
        discussion: """
            LinkUp speaks WebRTC itself (ICE, DTLS-SRTP, RTP/RTCP, Opus, VP8) and exchanges SDP through a \
            Socket.IO signaling server, so a Linux box, a headless bot and a browser user can call each other.

            Subcommands marked "not available yet" are part of the plan but not built; running one says so and \
            exits with status 2.
            """,
        version: LinkUpVersion.current,
        subcommands: [
            ServeCommand.self, CallCommand.self, BotCommand.self, LoopbackCommand.self, DevicesCommand.self,
        ]
    )
}

/// The version `linkup --version` prints.
enum LinkUpVersion {
    static let current = "0.1.0 (foundation)"
}
