import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Signaling
import Wire
import WSClient

/// A LinkUp signaling client: Socket.IO over a WebSocket (the I/O around the sans-IO `SignalingClientSession`) to a server speaking `../shared/PROTOCOL.md`, that
/// connects again by itself when the connection drops and rejoins its rooms.
///
/// Requests are sent with `request(_:)`, which waits for the server's acknowledgement (or fails after
/// `Configuration.ackTimeout`, or at once when the connection is down). What the server sends arrives on `events`.
/// A refused CONNECT (wrong token) is final; any other loss of the connection is retried with `ReconnectBackoff`,
/// and after each reconnection every room joined before is joined again under the same name. Pending requests fail
/// when their connection drops: the caller decides whether to repeat them.
///
/// Connection state recovery (PROTOCOL.md): the client asks for it (`auth.recover`), and reconnects with the
/// server's `pid` and the last event offset, so within the server's window it gets its socket id, rooms and calls
/// back, plus the events it missed; `.connected` then reports the same socket id as before.
///
/// `wss://` servers are verified against the system's trust store, plus `caFile` when given; a certificate that
/// does not verify is a final refusal with a sentence that says so.
actor SignalingClient {
    /// How to reach the server and who we are.
    struct Configuration: Sendable {
        /// The server: `http://host:port` (or ws://, https://, wss://); the Socket.IO path is added.
        var server: String
        /// The name sent in the CONNECT `auth` (PROTOCOL.md); rooms are joined with their own name.
        var name: String?
        /// The token, when the server requires one.
        var token: String?
        /// Whether to connect again after losing the connection.
        var reconnects = true
        /// The waits between reconnection attempts.
        var backoff = ReconnectBackoff()
        /// How long a request waits for its acknowledgement.
        var ackTimeout: Duration = .seconds(10)
        /// A PEM file of extra CA certificates to trust for `wss://` (beside the system's store).
        var caFile: String?
        /// Whether to ask for connection state recovery.
        var recovers = true

        /// A configuration for `server`, with the name and token of the CONNECT `auth`.
        init(server: String, name: String? = nil, token: String? = nil) {
            self.server = server
            self.name = name
            self.token = token
        }

        /// The WebSocket URL of the Engine.IO endpoint (`/socket.io/?EIO=4&transport=websocket`).
        var webSocketURL: String { SignalingClientSession.webSocketURL(server: server) }

        var auth: JSONValue? { auth(recovering: nil) }

        /// The CONNECT `auth`: name and token, and with recovery on, `recover` plus the `pid` and `offset` of the
        /// session to recover.
        func auth(recovering session: (pid: String, offset: String?)?) -> JSONValue? {
            var object: [String: JSONValue] = [:]
            if let name { object["name"] = .string(name) }
            if let token { object["token"] = .string(token) }
            if recovers {
                object["recover"] = true
                if let session {
                    object["pid"] = .string(session.pid)
                    if let offset = session.offset { object["offset"] = .string(offset) }
                }
            }
            return object.isEmpty ? nil : .object(object)
        }

        /// The TLS settings of `wss://` connections: the system's trust roots plus `caFile`. An IP address cannot
        /// be sent as SNI (RFC 6066 section 3), and the WebSocket client always sends its host: a loopback address
        /// is verified as `localhost`; any other IP address gets its chain verified but not its name (use a DNS
        /// name for full verification).
        var tls: (configuration: TLSConfiguration, sniHostname: String?) {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caFile { tls.additionalTrustRoots = [.file(caFile)] }
            guard let host = URL(string: server)?.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
                  IPAddress(host) != nil else { return (tls, nil) }
            if host == "127.0.0.1" || host == "::1" { return (tls, "localhost") }
            tls.certificateVerification = .noHostnameVerification
            return (tls, "ip-address.invalid")
        }
    }

    /// What the client reports, in order.
    enum Event: Sendable {
        /// Connected (again): our socket id, which changes on every connection.
        case connected(socketID: String)
        /// The connection was lost; a new attempt follows unless the client is closed or was refused.
        case disconnected(reason: String)
        /// A server event (PROTOCOL.md "server → client"); unknown events arrive as `.other`.
        case event(SignalingEvent)
        /// A server event this client does not know.
        case other(name: String, payload: JSONValue?)
    }

    /// Why a request or the connection failed, in a sentence.
    struct Failure: Error, CustomStringConvertible, Sendable {
        /// The sentence.
        var description: String
        /// A failure that says `description`.
        init(_ description: String) { self.description = description }
    }

    /// The events, in order; finished when the client closes.
    nonisolated let events: AsyncStream<Event>
    private let eventSink: AsyncStream<Event>.Continuation
    private let configuration: Configuration
    private let logger: Logger
    private var session: SignalingClientSession
    private var backoff: ReconnectBackoff
    private var random = SystemRandomNumberGenerator()
    /// The writer of the current connection; nil while disconnected.
    private var writer: AsyncStream<String>.Continuation?
    private var pending: [Int: CheckedContinuation<JSONValue?, any Error>] = [:]
    private var lastHeard = ContinuousClock.now
    /// Rooms joined (room → name), to rejoin after a reconnection.
    private var rooms: [String: String] = [:]
    private var connectWaiter: CheckedContinuation<String, any Error>?
    private var refusal: String?
    private var closed = false
    private var runner: Task<Void, Never>?
    /// Our socket id on the current connection.
    private(set) var socketID: String?
    /// The socket id of the previous connection, to tell a recovered session from a new one.
    private var previousSocketID: String?
    /// The recovery session (`pid`) and the last offset received, once the server granted one.
    private var recovery: (pid: String, offset: String?)?

    /// A client for `configuration`; nothing happens until `connect()`.
    init(configuration: Configuration, logger: Logger = Logger(label: "linkup.signaling")) {
        self.configuration = configuration
        self.logger = logger
        session = SignalingClientSession(auth: configuration.auth)
        backoff = configuration.backoff
        (events, eventSink) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
    }

    /// Connects and waits for the Socket.IO CONNECT to succeed; throws if the server refuses it or cannot be
    /// reached within `timeout`. Later losses are repaired in the background.
    @discardableResult
    func connect(timeout: Duration = .seconds(10)) async throws -> String {
        if let socketID { return socketID }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.failConnect(Failure("could not connect to \(self?.configuration.server ?? "the server") " +
                                            "within \(timeout)"))
        }
        defer { timer.cancel() }
        if runner == nil { runner = Task { await self.run() } }
        return try await withCheckedThrowingContinuation { connectWaiter = $0 }
    }

    /// Sends a request (PROTOCOL.md "client → server") and returns the server's acknowledgement. A `join` is
    /// remembered and repeated after reconnections; a `leave` forgets it.
    func request(_ request: SignalingRequest) async throws -> SignalingAck {
        let reply = try await emit(request.eventName, request.payload)
        guard let reply, let ack = SignalingAck(json: reply) else {
            throw Failure("the server answered \(request.eventName) with \(reply?.serialized ?? "nothing")")
        }
        switch (request, ack) {
        case let (.join(room, name), .joined): rooms[room] = name
        case let (.leave(room), _): rooms.removeValue(forKey: room)
        default: break
        }
        return ack
    }

    /// Sends event `name` with `payload` and waits for its acknowledgement.
    func emit(_ name: String, _ payload: JSONValue) async throws -> JSONValue? {
        guard let writer else { throw Failure("not connected to the signaling server") }
        let (id, frame) = session.emit(name, payload)
        writer.yield(frame)
        let timeout = configuration.ackTimeout
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.failRequest(id, Failure("the server did not acknowledge \(name) within \(timeout)"))
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { pending[id] = $0 }
    }

    /// Disconnects for good: pending requests fail, `events` finishes.
    func close() async {
        guard !closed else { return }
        closed = true
        writer?.yield(EngineIOPacket.message(SocketIOPacket(kind: .disconnect).encoded).text ?? "")
        writer?.finish()
        failAll(Failure("the signaling client was closed"))
        failConnect(Failure("the signaling client was closed"))
        runner?.cancel()
        eventSink.finish()
    }

    // MARK: The connection loop

    private func run() async {
        while !closed {
            let reason = await runConnection()
            writer = nil
            if socketID != nil { previousSocketID = socketID }
            socketID = nil
            failAll(Failure("the connection to the signaling server was lost (\(reason))"))
            if closed { break }
            eventSink.yield(.disconnected(reason: reason))
            if let refusal {
                failConnect(Failure(refusal))
                break
            }
            guard configuration.reconnects else {
                failConnect(Failure("could not connect to the signaling server: \(reason)"))
                break
            }
            let delay = backoff.nextDelay(using: &random)
            logger.info("signaling connection lost; retrying", metadata: ["reason": "\(reason)", "in": "\(delay)"])
            try? await Task.sleep(for: delay)
        }
        eventSink.finish()
    }

    /// One WebSocket connection, until it ends; returns why it ended.
    /// The largest WebSocket message accepted: `linkup serve`'s default Engine.IO `maxPayload`.
    static let maxFrameSize = 1_000_000

    private func runConnection() async -> String {
        session = SignalingClientSession(auth: configuration.auth(recovering: recovery))
        lastHeard = .now
        let (frames, writer) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .unbounded)
        self.writer = writer
        do {
            let tls = configuration.tls
            // WSClient's default 16 KiB frame limit closes the connection on a join acknowledgement that lists
            // more than about 340 participants; take what the server may send (Engine.IO maxPayload, 1 MB).
            let webSocket = WebSocketClientConfiguration(maxFrameSize: Self.maxFrameSize, sniHostname: tls.sniHostname)
            try await WebSocketClient.connect(url: configuration.webSocketURL, configuration: webSocket,
                                              tlsConfiguration: tls.configuration, logger: logger) {
                inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await frame in frames { try await outbound.write(.text(frame)) }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { await self.received(text) }
                        }
                        throw Failure("the server closed the WebSocket")
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try await Task.sleep(for: .milliseconds(500))
                            if let silence = await self.silenceExceeded() { throw Failure(silence) }
                        }
                    }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            }
            return "the WebSocket closed"
        } catch {
            if let failure = Self.certificateFailure(error, server: configuration.server) {
                refusal = failure
            }
            return "\(error)"
        }
    }

    /// A sentence for a TLS certificate that did not verify (a wrong or missing CA, a name mismatch), or nil when
    /// `error` is something else. Retrying would not help, so the caller treats it as a refusal.
    static func certificateFailure(_ error: any Error, server: String) -> String? {
        let text = String(describing: error)
        guard error is NIOSSLError || error is NIOSSLExtraError || text.contains("CERTIFICATE_VERIFY_FAILED") else {
            return nil
        }
        guard text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate")
                || text.contains("hostname") else { return nil }
        return "the TLS certificate of \(server) could not be verified (\(text)); if it is signed by your own CA, " +
            "pass that CA with --ca-file"
    }

    private func silenceExceeded() -> String? {
        guard let limit = session.silenceLimit else { return nil }
        let silent = ContinuousClock.now - lastHeard
        return silent > limit ? "no ping from the server for \(silent)" : nil
    }

    private func received(_ text: String) async {
        lastHeard = .now
        defer {
            if let pid = session.pid { recovery = (pid, session.lastOffset ?? (recovery?.pid == pid ? recovery?.offset : nil)) }
        }
        for output in session.receive(text) {
            switch output {
            case .send(let frame):
                writer?.yield(frame)
            case .connected(let id):
                let first = connectWaiter != nil
                socketID = id
                backoff.reset()
                logger.info("connected to the signaling server", metadata: ["id": "\(id)"])
                eventSink.yield(.connected(socketID: id))
                connectWaiter?.resume(returning: id)
                connectWaiter = nil
                if !first {
                    if id == previousSocketID {
                        logger.notice("signaling session recovered", metadata: ["id": "\(id)"])
                    } else {
                        rejoinRooms()
                    }
                }
            case .refused(let message):
                refusal = "the signaling server refused us: \(message)"
                writer?.finish()
            case .event(let name, let payload):
                if let event = SignalingEvent(name: name, payload: payload) {
                    eventSink.yield(.event(event))
                } else {
                    eventSink.yield(.other(name: name, payload: payload))
                }
            case .ack(let id, let payload):
                pending.removeValue(forKey: id)?.resume(returning: payload)
            case .closed(let reason):
                logger.info("signaling session closed", metadata: ["reason": "\(reason)"])
                writer?.finish()
            }
        }
    }

    /// After a reconnection, joins every room again, in the background (acks are logged, not awaited here).
    private func rejoinRooms() {
        for (room, name) in rooms {
            Task {
                do {
                    _ = try await self.request(.join(room: room, name: name))
                    self.logger.info("rejoined room", metadata: ["room": "\(room)"])
                } catch {
                    self.logger.warning("could not rejoin room", metadata: ["room": "\(room)", "error": "\(error)"])
                }
            }
        }
    }

    private func failRequest(_ id: Int, _ error: Failure) {
        pending.removeValue(forKey: id)?.resume(throwing: error)
    }

    private func failAll(_ error: Failure) {
        let waiting = pending
        pending.removeAll()
        for (_, continuation) in waiting { continuation.resume(throwing: error) }
    }

    private func failConnect(_ error: Failure) {
        connectWaiter?.resume(throwing: error)
        connectWaiter = nil
    }
}
