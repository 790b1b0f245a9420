import Foundation
import Logging
import NIOCore
import Signaling

/// The Engine.IO v4 sessions of the server and the Socket.IO hub behind them (engine.io-protocol v4). Transports
/// (polling requests, WebSockets) call in; the hub's outputs are routed back to the sessions' outboxes. The actor
/// holds every session, so transports never share mutable state. It also enforces the limits of
/// `SignalingServerLimits` that concern sessions: how many, how fast per IP, how much may wait for a slow reader,
/// and how long a session may idle without connecting or polling.
actor EngineIOServer {
    /// Heartbeat and size settings sent in the handshake.
    struct Timing: Sendable {
        var pingInterval: Int
        var pingTimeout: Int
        var maxPayload: Int
    }

    /// Why a handshake was refused.
    enum Refusal: String, Error, Sendable {
        case shuttingDown = "shutting-down"
        case maxConnections = "max-connections"
        case rateLimited = "rate-limited"
    }

    let timing: Timing
    let limits: SignalingServerLimits
    private var hub: SignalingHub
    private var sessions: [String: EngineSession] = [:]
    private let authorizer: ConnectAuthorizer
    private let logger: Logger
    private var shuttingDown = false
    private var handshakes: RateLimiterTable
    private let started = ContinuousClock.now
    private var reaper: Task<Void, Never>?
    /// Every session's next ping or pong deadline, served by one timer task.
    private var heartbeats: HeartbeatSchedule
    private var heartbeatTimer: Task<Void, Never>?
    private var heartbeatTimerDeadline: ContinuousClock.Instant?
    /// The scale-out bus, when several nodes share rooms.
    private var bus: RedisBus?
    /// What happened so far at the Engine.IO level.
    private(set) var stats = EngineStats()
    /// While a batch of WebSocket events is handled: the WebSocket sessions written to, flushed at its end.
    private var deferredWebSockets: [EngineSession]?

    init(hub: SignalingHub, timing: Timing, limits: SignalingServerLimits = SignalingServerLimits(),
         authorizer: ConnectAuthorizer = ConnectAuthorizer(sharedToken: nil, authority: nil), logger: Logger) {
        self.hub = hub
        self.timing = timing
        self.limits = limits
        self.authorizer = authorizer
        self.logger = logger
        handshakes = RateLimiterTable(capacity: Double(limits.handshakeBurst), rate: limits.handshakesPerSecond)
        heartbeats = HeartbeatSchedule(pingInterval: .milliseconds(timing.pingInterval),
                                       pingTimeout: .milliseconds(timing.pingTimeout))
    }

    /// Rooms and participants, for `/health`.
    var counts: (rooms: Int, participants: Int) { (hub.roomCount, hub.participantCount) }

    /// What the metrics report: the hub's counters and gauges, and this layer's.
    var snapshot: SignalingMetricsSnapshot {
        SignalingMetricsSnapshot(sessions: sessions.count, participants: hub.localParticipantCount,
                                 remoteParticipants: hub.participantCount - hub.localParticipantCount,
                                 detached: hub.detachedCount, rooms: hub.roomCount, calls: hub.callCount,
                                 hub: hub.stats, engine: stats)
    }

    /// Sends the hub's bus messages to `bus` from now on.
    func attach(bus: RedisBus) {
        self.bus = bus
    }

    /// Bus messages from other nodes, in order. What they send to WebSockets is written once, after the last: a
    /// burst of chats relayed from another node reaches each local recipient in one write.
    func applyBus(_ messages: [JSONValue]) {
        deferWebSocketWrites()
        for message in messages {
            dispatch(hub.applyBus(message, now: Self.wallClock()))
        }
        writeDeferredWebSockets()
    }

    /// The other nodes that have participants here.
    var remoteNodes: Set<String> { hub.remoteNodes }

    /// Join messages announcing our own participants' memberships again.
    var ownMembershipAnnouncements: [JSONValue] { hub.ownMembershipAnnouncements }

    /// `node` died: its participants leave. Returns who they were, with their rooms.
    func nodeDied(_ node: String) -> [(id: String, rooms: [String])] {
        let members = hub.members(ofNode: node)
        dispatch(hub.removeNode(node))
        return members
    }

    /// Starts the once-a-second housekeeping: recovery windows that end, idle sessions, forgotten rate buckets.
    func start() {
        guard reaper == nil else { return }
        reaper = Task { [weak self] in
            while !Task.isCancelled {
                guard (try? await Task.sleep(for: .seconds(1))) != nil else { return }
                await self?.housekeeping()
            }
        }
    }

    /// Starts a session and returns its open packet (engine.io-protocol v4, "Handshake"), or why it was refused;
    /// polling sessions may upgrade to a WebSocket, WebSocket sessions have nothing to upgrade to.
    func open(transport: EngineTransport, remote: String? = nil) -> Result<EngineIOPacket, Refusal> {
        guard !shuttingDown else { return refuse(.shuttingDown, remote) }
        guard sessions.count < limits.maxConnections else { return refuse(.maxConnections, remote) }
        if let remote, !handshakes.allow(remote, now: seconds(.now)) { return refuse(.rateLimited, remote) }
        var sid = RandomID.make()
        while sessions[sid] != nil { sid = RandomID.make() }
        let session = EngineSession(sid: sid, transport: transport, remote: remote)
        sessions[sid] = session
        stats.opened += 1
        scheduleHeartbeat(sid)
        logger.debug("engine.io session opened", metadata: ["sid": "\(sid)", "transport": "\(transport)"])
        return .success(.open(EngineIOHandshake(sid: sid, upgrades: transport == .polling ? ["websocket"] : [],
                                                pingInterval: timing.pingInterval, pingTimeout: timing.pingTimeout,
                                                maxPayload: timing.maxPayload)))
    }

    private func refuse(_ refusal: Refusal, _ remote: String?) -> Result<EngineIOPacket, Refusal> {
        stats.refusedHandshakes[refusal.rawValue, default: 0] += 1
        if refusal != .shuttingDown {
            logger.notice("handshake refused", metadata: ["reason": "\(refusal.rawValue)", "remote": "\(remote ?? "?")"])
        }
        return .failure(refusal)
    }

    /// Opens a session on a new WebSocket (engine.io-protocol v4, "Handshake"): writes the open packet to it and
    /// returns the session id, or nil when the handshake is refused.
    func openWebSocket(_ sink: WebSocketSink) -> String? {
        guard case .success(let open) = self.open(transport: .websocket, remote: sink.remote),
              case .open(let handshake) = open, let session = sessions[handshake.sid] else { return nil }
        session.sink = sink
        session.enqueue([OutgoingPacket(open)])
        return handshake.sid
    }

    /// Writes what waits for `sid`'s WebSocket, which takes writes again.
    func flush(_ sid: String) {
        sessions[sid]?.flush()
    }

    /// Whether `sid` is a live session on `transport`.
    func exists(_ sid: String, on transport: EngineTransport) -> Bool {
        sessions[sid]?.transport == transport
    }

    /// Waits for packets to send on `transport` (a GET; a WebSocket is written to as packets come).
    func nextOutgoing(_ sid: String, on transport: EngineTransport) async -> EngineOutgoing {
        guard let session = sessions[sid] else { return .refused }
        session.lastActivity = .now
        guard session.transport == transport, session.waiter == nil else {
            if transport == .polling, session.waiter?.transport == .polling {
                // Two concurrent polls: a protocol violation, which ends the session.
                close(sid, reason: "concurrent poll")
            }
            return .refused
        }
        if !session.outbox.isEmpty {
            let packets = session.outbox
            session.outbox = []
            return .packets(packets)
        }
        if transport == .polling, session.probing {
            // Upgrading: a poll is answered at once (as the reference server's upgrade check does), so the client
            // can pause polling and send the upgrade packet instead of waiting on a poll nobody releases.
            return .packets([OutgoingPacket(.noop)])
        }
        return await withCheckedContinuation { continuation in
            session.waiter = (transport, continuation)
        }
    }

    /// Packets the client sent on `sid`, in order. Chat timestamps are this moment's wall-clock time. A CONNECT is
    /// authorized first (a signed token's check is asynchronous), then handed to the hub.
    func receive(_ packets: [EngineIOPacket], from sid: String) async {
        for packet in packets {
            guard let session = sessions[sid] else { return }
            session.lastActivity = .now
            switch packet {
            case .message(let text):
                do {
                    if let socketPacket = try session.assembler.receive(text: text) {
                        await deliverToHub(socketPacket, from: sid)
                    }
                } catch {
                    logger.debug("bad socket.io packet", metadata: ["sid": "\(sid)", "error": "\(error)"])
                    close(sid, reason: "parse error")
                }
            case .binaryMessage(let bytes):
                do {
                    if let socketPacket = try session.assembler.receive(binary: bytes) {
                        await deliverToHub(socketPacket, from: sid)
                    }
                } catch {
                    close(sid, reason: "unexpected attachment")
                }
            case .pong:
                scheduleHeartbeat(sid)
            case .ping(let payload):
                session.enqueue([OutgoingPacket(.pong(payload))])
            case .close:
                close(sid, reason: "client close")
            case .open, .upgrade, .noop:
                break
            }
        }
    }

    private func deliverToHub(_ packet: SocketIOPacket, from sid: String) async {
        var authorization: ConnectAuthorization?
        if packet.kind == .connect, packet.namespace == "/", authorizer.requiresToken {
            authorization = await authorizer.authorize(packet.data, now: Date())
            guard sessions[sid] != nil else { return }
        }
        dispatch(hub.receive(packet, from: sid, now: Self.wallClock(), authorization: authorization))
        if packet.kind == .connect, hub.socketID(of: sid) != nil { sessions[sid]?.joinedNamespace = true }
    }

    /// A WebSocket on a polling session answered the probe: release the pending poll (engine.io-protocol v4,
    /// "Upgrade"). Returns false if the session cannot upgrade.
    func probe(_ sid: String) -> Bool {
        guard let session = sessions[sid], session.transport == .polling else { return false }
        session.probing = true
        session.lastActivity = .now
        session.releasePoll()
        return true
    }

    /// The client sent the upgrade packet: the WebSocket carries the session from now on.
    func upgrade(_ sid: String, to sink: WebSocketSink) -> Bool {
        guard let session = sessions[sid], session.transport == .polling, session.probing else { return false }
        session.probing = false
        session.releasePoll()
        session.transport = .websocket
        session.sink = sink
        session.flush()
        logger.debug("engine.io session upgraded", metadata: ["sid": "\(sid)"])
        return true
    }

    /// A probing WebSocket went away before upgrading: the session stays on polling.
    func probeAbandoned(_ sid: String) {
        sessions[sid]?.probing = false
    }

    /// Ends a session. A transport that failed or went silent leaves its participant recoverable (when the hub
    /// has a recovery window); a client's own close, or one forced by the server, is a disconnect the others hear
    /// of at once.
    func close(_ sid: String, reason: String, recoverable: Bool = false) {
        guard let session = sessions.removeValue(forKey: sid) else { return }
        logger.debug("engine.io session closed", metadata: ["sid": "\(sid)", "reason": "\(reason)"])
        stats.closed[Self.reasonKey(reason), default: 0] += 1
        heartbeats.remove(sid)
        session.finish()
        dispatch(recoverable ? hub.drop(sid, now: Self.wallClock()) : hub.disconnect(sid))
    }

    /// Closes every session (graceful shutdown): pending polls answer with a close packet, WebSockets close.
    /// Returns when each WebSocket's connection will have closed (after the closing handshake).
    @discardableResult
    func shutdown() -> [EventLoopFuture<Void>] {
        shuttingDown = true
        reaper?.cancel()
        heartbeatTimer?.cancel()
        let closing = sessions.values.compactMap { $0.sink?.channel.closeFuture }
        for sid in sessions.keys.sorted() {
            close(sid, reason: "server shutting down")
        }
        return closing
    }

    private func dispatch(_ outputs: [SignalingHub.Output]) {
        // A broadcast is the same packet for many recipients in a row: it is encoded once and its bytes are shared.
        var lastPacket: SocketIOPacket?
        var lastEncoded: [OutgoingPacket] = []
        // WebSockets are written once, after every output is queued (or after the whole batch of events).
        var webSockets: [EngineSession] = []
        for output in outputs {
            switch output {
            case .send(let sid, let packet):
                guard let session = sessions[sid] else { continue }
                if packet != lastPacket {
                    lastPacket = packet
                    lastEncoded = OutgoingPacket.messages(for: packet)
                }
                session.enqueue(lastEncoded, deferWrite: true)
                if session.sink != nil {
                    if !session.writeQueued {
                        session.writeQueued = true
                        if deferredWebSockets != nil {
                            deferredWebSockets?.append(session)
                        } else {
                            webSockets.append(session)
                        }
                    }
                } else {
                    closeIfSlow(session)
                }
            case .publish(let message):
                bus?.publish(message)
            case .release(let sid):
                // The participant moved to a newer connection: end this one without a disconnect.
                guard let session = sessions.removeValue(forKey: sid) else { continue }
                stats.closed["replaced", default: 0] += 1
                heartbeats.remove(sid)
                session.finish()
            }
        }
        write(webSockets)
    }

    /// Writes from now on wait for `writeDeferredWebSockets`.
    func deferWebSocketWrites() {
        if deferredWebSockets == nil { deferredWebSockets = [] }
    }

    /// Writes what waits for the WebSockets written to since `deferWebSocketWrites`.
    func writeDeferredWebSockets() {
        let webSockets = deferredWebSockets ?? []
        deferredWebSockets = nil
        write(webSockets)
    }

    private func write(_ webSockets: [EngineSession]) {
        for session in webSockets {
            session.writeQueued = false
            guard !session.finished else { continue }
            session.flush()
            closeIfSlow(session)
        }
    }

    /// Bounded outbound queues: a session whose client does not read what is sent to it is disconnected.
    private func closeIfSlow(_ session: EngineSession) {
        guard session.outbox.count > limits.maxOutboundPackets else { return }
        logger.warning("slow consumer disconnected",
                       metadata: ["sid": "\(session.sid)", "queued": "\(session.outbox.count)",
                                  "limit": "\(limits.maxOutboundPackets)"])
        close(session.sid, reason: "slow consumer")
    }

    /// Once a second: ends recovery windows that passed, closes sessions that did not connect to a namespace within
    /// `connectTimeout` or stopped polling for `idleTimeout`, and forgets the handshake buckets of quiet IP
    /// addresses.
    private func housekeeping() {
        let now = ContinuousClock.now
        dispatch(hub.expire(now: Self.wallClock()))
        let idle = Duration.milliseconds(Int(limits.idleTimeout * 1000))
        let connectTimeout = Duration.milliseconds(Int(limits.connectTimeout * 1000))
        for session in sessions.values.sorted(by: { $0.sid < $1.sid }) {
            if !session.joinedNamespace, now - session.openedAt > connectTimeout {
                close(session.sid, reason: "no socket.io connect")
            } else if session.transport == .polling, session.waiter == nil, !session.probing,
                      now - session.lastActivity > idle {
                close(session.sid, reason: "polling stopped", recoverable: true)
            }
        }
        handshakes.prune(now: seconds(now))
    }

    private func seconds(_ instant: ContinuousClock.Instant) -> Double {
        let elapsed = (instant - started).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }

    private static func wallClock() -> Double {
        (Date().timeIntervalSince1970 * 1000).rounded()
    }

    private static func reasonKey(_ reason: String) -> String {
        reason.replacingOccurrences(of: " ", with: "-")
    }

    /// Server-initiated heartbeat (engine.io-protocol v4, "Heartbeat"): ping after `pingInterval`, then close unless
    /// a pong arrives within `pingTimeout`. A pong restarts the cycle. All sessions share one timer task.
    private func scheduleHeartbeat(_ sid: String) {
        heartbeats.schedulePing(sid, now: .now)
        armHeartbeatTimer()
    }

    /// Makes the one heartbeat timer wake at the schedule's next deadline (deadlines are added in time order, so it
    /// rarely needs re-arming).
    private func armHeartbeatTimer() {
        guard !shuttingDown, let next = heartbeats.nextDeadline else { return }
        if let armed = heartbeatTimerDeadline, armed <= next { return }
        heartbeatTimer?.cancel()
        heartbeatTimerDeadline = next
        heartbeatTimer = Task { [weak self] in
            // Pings due within 50 ms of each other go out in one wake-up.
            guard (try? await Task.sleep(until: next, tolerance: .milliseconds(50), clock: .continuous)) != nil
            else { return }
            await self?.heartbeatTimerFired()
        }
    }

    private func heartbeatTimerFired() {
        heartbeatTimerDeadline = nil
        heartbeatTimer = nil
        for due in heartbeats.takeDue(now: .now) {
            switch due {
            case .ping(let sid):
                sessions[sid]?.enqueue([OutgoingPacket(.ping(""))])
            case .timeout(let sid):
                close(sid, reason: "ping timeout", recoverable: true)
            }
        }
        armHeartbeatTimer()
    }
}

/// Session and socket ids: 20 characters of URL-safe base64 alphabet from the system's random generator, so nobody
/// can guess another participant's Engine.IO session and post on its behalf.
enum RandomID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int(generator.next() % 64)] })
    }
}
