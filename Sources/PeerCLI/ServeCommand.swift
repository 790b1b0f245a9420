import ArgumentParser
import Foundation
import Signaling
import SignalingServer

/// `linkup serve`: the Socket.IO signaling server with rooms, chat, call relay and the web client.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the signaling server (rooms, chat, call set-up relay) and serve the web client.",
        discussion: """
            Speaks Socket.IO v4 (WebSocket and HTTP long-polling) at /socket.io/ as described in PROTOCOL.md, \
            answers GET /health, and serves the web client at /. Once listening it prints \
            "listening on http://HOST:PORT" to standard error (and, with --json, a JSON line on standard output). \
            Ctrl-C (SIGINT) or SIGTERM closes every session and exits.

            ICE server URLs (--ice-server, repeatable) are handed to clients in the join acknowledgement:
              stun:HOST:PORT            STUN server
              turn:USER:PASS@HOST:PORT  TURN server with username USER and credential PASS
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on; 0 picks a free port.")
    var port = 8080

    @Option(name: .customLong("ice-server"),
            help: ArgumentHelp(
                "STUN or TURN server for clients (repeatable): stun:HOST:PORT or turn:USER:PASS@HOST:PORT.",
                valueName: "url"))
    var iceServers: [String] = []

    @Option(help: "Require this token in the Socket.IO CONNECT auth ({\"token\": ...}).")
    var token: String?

    @Option(help: ArgumentHelp("Engine.IO ping interval in milliseconds.", visibility: .hidden))
    var pingInterval = 25_000

    @Option(help: ArgumentHelp("Engine.IO ping timeout in milliseconds.", visibility: .hidden))
    var pingTimeout = 20_000

    @Option(help: "Directory of web client files to serve at / instead of the bundled client.")
    var web: String?

    @Flag(help: "Print a JSON line with the bound address on standard output once listening.")
    var json = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        for url in iceServers where ICEServer(commandLine: url) == nil {
            throw ValidationError("--ice-server \"\(url)\" is not stun:HOST:PORT or turn:USER:PASS@HOST:PORT")
        }
        if let token, token.isEmpty { throw ValidationError("--token must not be empty") }
        guard pingInterval > 0, pingTimeout > 0 else { throw ValidationError("ping settings must be positive") }
    }

    func run() async throws {
        let configuration = SignalingServerConfiguration(
            host: host, port: port, iceServers: iceServers.compactMap(ICEServer.init(commandLine:)), token: token,
            pingInterval: pingInterval, pingTimeout: pingTimeout, webDirectory: web)
        let json = self.json
        try await SignalingServer(configuration: configuration).run { host, port in
            let shownHost = host.contains(":") ? "[\(host)]" : host
            printError("listening on http://\(shownHost):\(port)")
            if json {
                let line: JSONValue = ["type": "listening", "host": .string(host), "port": .number(Double(port)),
                                       "url": .string("http://\(shownHost):\(port)")]
                FileHandle.standardOutput.write(Data((line.serialized + "\n").utf8))
            }
        }
        printError("linkup serve: stopped")
    }
}
