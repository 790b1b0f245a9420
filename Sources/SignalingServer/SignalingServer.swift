import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import RESP
import Signaling

/// The LinkUp signaling server: Socket.IO v4 (Engine.IO v4 over WebSocket and HTTP long-polling) at `/socket.io/`,
/// the rooms and relay rules of PROTOCOL.md, `GET /health`, `GET /metrics` (Prometheus), and the web client's files
/// at `/`; over TLS (HTTPS and WSS on one port) when configured with a certificate.
public struct SignalingServer: Sendable {
    /// The configuration it runs with.
    public let configuration: SignalingServerConfiguration
    private let logger: Logger

    /// A server; nothing listens until `run`.
    public init(configuration: SignalingServerConfiguration, logger: Logger = Logger(label: "linkup.serve")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The web client directory inside this module's resource bundle.
    public static var bundledWebDirectory: String? {
        Bundle.module.resourceURL?.appendingPathComponent("Web").path
    }

    /// Listens and serves until SIGINT or SIGTERM (or until the calling task is cancelled), then shuts down
    /// gracefully: every Engine.IO session is closed (pending polls get a close packet, WebSockets a close frame).
    /// `onListening` receives the bound host and port once the socket listens (useful with port 0).
    public func run(onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in })
        async throws {
        let redisAddress = try configuration.redisURL.map { url throws(RedisError) in try RedisAddress(url: url) }
        let nodeID = RandomID.make()
        let hubConfiguration = SignalingHubConfiguration(
            token: configuration.token, iceServers: configuration.iceServers, turnREST: configuration.turnREST,
            limits: configuration.limits, recoveryWindow: configuration.recoveryWindow * 1000,
            nodeID: redisAddress == nil ? nil : nodeID)
        let hub = SignalingHub(configuration: hubConfiguration) { RandomID.make() }
        var authority: RoomTokenAuthority?
        if let secret = configuration.jwtSecret { authority = try await RoomTokenAuthority(secret: secret) }
        let engine = EngineIOServer(
            hub: hub,
            timing: .init(pingInterval: configuration.pingInterval, pingTimeout: configuration.pingTimeout,
                          maxPayload: configuration.maxPayload),
            limits: configuration.limits,
            authorizer: ConnectAuthorizer(sharedToken: configuration.token, authority: authority),
            logger: logger)
        await engine.start()
        var bus: RedisBus?
        if let redisAddress {
            let redisBus = RedisBus(address: redisAddress, nodeID: nodeID, engine: engine, logger: logger)
            await engine.attach(bus: redisBus)
            await redisBus.start()
            bus = redisBus
        }
        let router = makeRouter(engine: engine, bus: bus)
        let webSocket = WebSocketTransport(server: engine)
        let webSocketEvents = Task { await webSocket.run() }
        let maxFrameSize = configuration.maxPayload
        var server = HTTPServerBuilder { responder in
            SignalingChildChannel(responder: responder, transport: webSocket, maxFrameSize: maxFrameSize)
        }
        if let tls = configuration.tls {
            server = try .tls(server, tlsConfiguration: tls.serverConfiguration())
        }
        let host = configuration.host
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "LinkUp"),
            onServerRunning: { channel in
                await onListening(host, channel.localAddress?.port ?? 0)
            },
            logger: logger)
        try await withTaskCancellationHandler {
            try await app.runService()
        } onCancel: {
            Task { await engine.shutdown() }
        }
        // Every WebSocket gets a close frame; wait until their connections have closed (each handler closes its
        // connection within two seconds of its close frame).
        for connection in await engine.shutdown() {
            try? await connection.get()
        }
        webSocket.events.finish()
        await webSocketEvents.value
        if let bus {
            // Let the departures reach the other nodes, then leave.
            try? await Task.sleep(for: .milliseconds(200))
            await bus.stop()
        }
    }

    private func makeRouter(engine: EngineIOServer, bus: RedisBus?) -> Router<SignalingRequestContext> {
        let router = Router(context: SignalingRequestContext.self)
        let polling = PollingTransport(server: engine)
        let metrics = SignalingMetrics()
        router.get("/socket.io/") { request, context in try await polling.handle(request, remote: context.clientIP) }
        router.post("/socket.io/") { request, context in try await polling.handle(request, remote: context.clientIP) }
        router.get("/health") { _, _ in
            let counts = await engine.counts
            let body: JSONValue = ["status": "ok", "rooms": .number(Double(counts.rooms)),
                                   "participants": .number(Double(counts.participants))]
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: body.serialized)))
        }
        router.get("/metrics") { _, _ in
            let text = metrics.render(await engine.snapshot, redisRoundTrips: await bus?.roundTrips ?? 0)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        if let directory = configuration.webDirectory ?? Self.bundledWebDirectory {
            router.add(middleware: FileMiddleware(directory, searchForIndexHtml: true, logger: logger))
        }
        return router
    }
}
