import ArgumentParser
import Foundation
import RESP
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

            ICE servers: each --ice-server URL (repeatable) is handed to clients in the join acknowledgement, in the \
            browser's RTCIceServer shape (STUN URLs in one entry without credentials, TURN URLs grouped with their \
            username and credential). The URL forms (RFC 7064, RFC 7065), where HOST is a name, an IPv4 address or \
            an IPv6 address in brackets:
              stun:HOST[:PORT]                      STUN over UDP (port 3478)
              stuns:HOST[:PORT]                     STUN over TLS (port 5349)
              turn:HOST[:PORT][?transport=udp|tcp]  TURN over UDP or TCP (3478, udp)
              turns:HOST[:PORT][?transport=tcp]     TURN over TLS on TCP (5349)
              turn:USER:PASS@HOST[:PORT]            older form with credentials
            A TURN URL without USER:PASS@ takes its credentials from --turn-user USER:PASS (the same for every \
            client), or from --turn-secret SECRET: TURN REST credentials minted for every join, as coturn's \
            use-auth-secret checks them: username "EXPIRY:ID" (EXPIRY = now + --turn-ttl in Unix seconds, ID = the \
            participant's id), credential base64(HMAC-SHA1(SECRET, username)).

            TLS: --tls-cert and --tls-key (PEM files) serve HTTPS and WSS on the same port.

            Tokens: --token requires one shared token in the CONNECT auth; --jwt-secret accepts signed room tokens \
            (JWT HS256 with claims name, rooms, exp; mint them with `linkup token`). Both may be given.

            Limits (each with a default that a real client never reaches): --max-connections, per-IP \
            --handshake-burst/--handshake-rate, per-socket --event-burst/--event-rate (beyond: rate-limited), \
            --max-outbound (packets queued for one slow reader before it is disconnected), --max-room-size \
            (room-full), --idle-timeout (polling sessions that stop polling), --connect-timeout (sessions without a \
            Socket.IO CONNECT).

            Connection state recovery: a client that asks for it (auth.recover) and loses its connection keeps its \
            id, rooms and calls for --recovery-window seconds (0 turns it off); nobody else notices.

            Scale-out: several servers started with the same --redis redis://HOST:PORT share rooms, presence, chat \
            and calls; when one dies, the others tell its participants' peers (peer-left, hangup) within seconds.

            Examples:
              linkup serve --ice-server stun:stun.example.org
              linkup serve --tls-cert cert.pem --tls-key key.pem --jwt-secret "$SECRET"
              linkup serve --ice-server stun:203.0.113.10 \\
                --ice-server 'turn:203.0.113.10?transport=udp' \\
                --ice-server turns:turn.example.org --turn-secret "$TURN_SECRET"
              linkup serve --turn-user alice:wonderland \\
                --ice-server 'turn:[2001:db8::10]:3478?transport=tcp'
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on; 0 picks a free port.")
    var port = 8080

    @Option(name: .customLong("ice-server"),
            help: ArgumentHelp(
                "STUN or TURN server for clients (repeatable): stun:, stuns:, turn: or turns: URL (see above).",
                valueName: "url"))
    var iceServers: [String] = []

    @Option(name: .customLong("turn-user"),
            help: ArgumentHelp("Static username and credential for the TURN URLs that carry none.",
                               valueName: "user:pass"))
    var turnUser: String?

    @Option(name: .customLong("turn-secret"),
            help: ArgumentHelp("Shared secret of the TURN server (coturn static-auth-secret): every join gets fresh "
                                   + "TURN REST credentials for the TURN URLs that carry none.",
                               valueName: "secret"))
    var turnSecret: String?

    @Option(name: .customLong("turn-ttl"),
            help: ArgumentHelp("Lifetime of minted TURN credentials in seconds, with --turn-secret (default: 86400).",
                               valueName: "seconds"))
    var turnTTL: Int?

    @Option(help: "Require this token in the Socket.IO CONNECT auth ({\"token\": ...}).")
    var token: String?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate chain: serve HTTPS and WSS.",
                                                             valueName: "pem"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "pem"))
    var tlsKey: String?

    @Option(name: .customLong("jwt-secret"),
            help: ArgumentHelp("Accept signed room tokens (JWT HS256) made with this secret (see linkup token).",
                               valueName: "secret"))
    var jwtSecret: String?

    @Option(help: "Engine.IO sessions open at once.")
    var maxConnections = SignalingServerLimits().maxConnections

    @Option(help: "New sessions one IP address may open in a burst.")
    var handshakeBurst = SignalingServerLimits().handshakeBurst

    @Option(help: "New sessions per second one IP address may open after its burst.")
    var handshakeRate = SignalingServerLimits().handshakesPerSecond

    @Option(help: "Events one socket may send in a burst.")
    var eventBurst = SignalingServerLimits().eventBurst

    @Option(help: "Events per second one socket may send after its burst.")
    var eventRate = SignalingServerLimits().eventsPerSecond

    @Option(name: .customLong("max-outbound"), help: "Packets queued for one client before it is disconnected.")
    var maxOutbound = SignalingServerLimits().maxOutboundPackets

    @Option(help: "Participants in one room.")
    var maxRoomSize = SignalingServerLimits().maxRoomSize

    @Option(help: "Seconds a polling session may stay without polling.")
    var idleTimeout = SignalingServerLimits().idleTimeout

    @Option(help: "Seconds a session may stay without a Socket.IO CONNECT.")
    var connectTimeout = SignalingServerLimits().connectTimeout

    @Option(help: "Seconds a dropped participant stays recoverable (0: off).")
    var recoveryWindow: Double = 120

    @Option(help: ArgumentHelp("Share rooms and events with other linkup serve nodes through this Redis server.",
                               valueName: "redis://host:port"))
    var redis: String?

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
        _ = try iceServerOptions()
        if let token, token.isEmpty { throw ValidationError("--token must not be empty") }
        guard pingInterval > 0, pingTimeout > 0 else { throw ValidationError("ping settings must be positive") }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if let jwtSecret, jwtSecret.utf8.count < RoomTokenAuthority.minimumSecretBytes {
            throw ValidationError("--jwt-secret must be at least \(RoomTokenAuthority.minimumSecretBytes) bytes " +
                                  "(RFC 7518 section 3.2), e.g. openssl rand -hex 32")
        }
        if let redis, (try? RedisAddress(url: redis)) == nil {
            throw ValidationError("--redis \"\(redis)\" is not a URL like redis://127.0.0.1:6379")
        }
        guard maxConnections > 0, handshakeBurst > 0, handshakeRate >= 0, eventBurst > 0, eventRate >= 0,
              maxOutbound > 0, maxRoomSize > 0, idleTimeout > 0, connectTimeout > 0, recoveryWindow >= 0 else {
            throw ValidationError("limits must be positive")
        }
    }

    func run() async throws {
        let ice = try iceServerOptions()
        var configuration = SignalingServerConfiguration(
            host: host, port: port, iceServers: ice.iceServers, token: token, pingInterval: pingInterval,
            pingTimeout: pingTimeout, webDirectory: web, turnREST: ice.turnREST)
        configuration.tls = tlsCert.flatMap { cert in tlsKey.map { SignalingTLSFiles(certificatePath: cert, keyPath: $0) } }
        configuration.jwtSecret = jwtSecret
        configuration.limits = SignalingServerLimits(
            maxConnections: maxConnections, handshakeBurst: handshakeBurst, handshakesPerSecond: handshakeRate,
            eventBurst: eventBurst, eventsPerSecond: eventRate, maxOutboundPackets: maxOutbound,
            maxRoomSize: maxRoomSize, idleTimeout: idleTimeout, connectTimeout: connectTimeout)
        configuration.recoveryWindow = recoveryWindow
        configuration.redisURL = redis
        let scheme = configuration.tls == nil ? "http" : "https"
        let json = self.json
        try await SignalingServer(configuration: configuration).run { host, port in
            let shownHost = host.contains(":") ? "[\(host)]" : host
            printError("listening on \(scheme)://\(shownHost):\(port)")
            if json {
                let line: JSONValue = ["type": "listening", "host": .string(host), "port": .number(Double(port)),
                                       "url": .string("\(scheme)://\(shownHost):\(port)")]
                FileHandle.standardOutput.write(Data((line.serialized + "\n").utf8))
            }
        }
        printError("linkup serve: stopped")
    }

    /// The ICE servers for the join acknowledgements, from --ice-server, --turn-user, --turn-secret and --turn-ttl.
    func iceServerOptions() throws(ValidationError) -> ICEServerOptions {
        do {
            return try ICEServerOptions(urls: iceServers, turnUser: turnUser, turnSecret: turnSecret, turnTTL: turnTTL)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
