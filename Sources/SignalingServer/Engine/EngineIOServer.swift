import Foundation
import Logging
import Signaling

/// The Engine.IO v4 sessions of the server and the Socket.IO hub behind them (engine.io-protocol v4). Transports
/// (polling requests, WebSockets) call in; the hub's outputs are routed back to the sessions' outboxes. The actor
/// holds every session, so transports never share mutable state.
actor EngineIOServer {
    /// Heartbeat and size settings sent in the handshake.
    struct Timing: Sendable {
        var pingInterval: Int
        var pingTimeout: Int
        var maxPayload: Int
    }

    let timing: Timing
    private var hub: SignalingHub
    private var sessions: [String: EngineSession] = [:]
    private let logger: Logger
    private var shuttingDown = false

    init(hub: SignalingHub, timing: Timing, logger: Logger) {
        self.hub = hub
        self.timing = timing
        self.logger = logger
    }

    /// Rooms and participants, for `/health`.
    var counts: (rooms: Int, participants: Int) { (hub.roomCount, hub.participantCount) }

    /// Starts a session and returns its open packet (engine.io-protocol v4, "Handshake"); polling sessions may
    /// upgrade to a WebSocket, WebSocket sessions have nothing to upgrade to.
    func open(transport: EngineTransport) -> EngineIOPacket? {
        guard !shuttingDown else { return nil }
        var sid = RandomID.make()
        while sessions[sid] != nil { sid = RandomID.make() }
        let session = EngineSession(sid: sid, transport: transport)
        sessions[sid] = session
        scheduleHeartbeat(session)
        logger.debug("engine.io session opened", metadata: ["sid": "\(sid)", "transport": "\(transport)"])
        return .open(EngineIOHandshake(sid: sid, upgrades: transport == .polling ? ["websocket"] : [],
                                       pingInterval: timing.pingInterval, pingTimeout: timing.pingTimeout,
                                       maxPayload: timing.maxPayload))
    }

    /// Whether `sid` is a live session on `transport`.
    func exists(_ sid: String, on transport: EngineTransport) -> Bool {
        sessions[sid]?.transport == transport
    }

    /// Waits for packets to send on `transport` (a GET, or the WebSocket writer loop).
    func nextOutgoing(_ sid: String, on transport: EngineTransport) async -> EngineOutgoing {
        guard let session = sessions[sid] else { return .refused }
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
        return await withCheckedContinuation { continuation in
            session.waiter = (transport, continuation)
        }
    }

    /// Packets the client sent on `sid`, in order. Chat timestamps are this moment's wall-clock time.
    func receive(_ packets: [EngineIOPacket], from sid: String) {
        let now = (Date().timeIntervalSince1970 * 1000).rounded()
        for packet in packets {
            guard let session = sessions[sid] else { return }
            switch packet {
            case .message(let text):
                do {
                    if let socketPacket = try session.assembler.receive(text: text) {
                        dispatch(hub.receive(socketPacket, from: sid, now: now))
                    }
                } catch {
                    logger.debug("bad socket.io packet", metadata: ["sid": "\(sid)", "error": "\(error)"])
                    close(sid, reason: "parse error")
                }
            case .binaryMessage(let bytes):
                do {
                    if let socketPacket = try session.assembler.receive(binary: bytes) {
                        dispatch(hub.receive(socketPacket, from: sid, now: now))
                    }
                } catch {
                    close(sid, reason: "unexpected attachment")
                }
            case .pong:
                scheduleHeartbeat(session)
            case .ping(let payload):
                session.enqueue([.pong(payload)])
            case .close:
                close(sid, reason: "client close")
            case .open, .upgrade, .noop:
                break
            }
        }
    }

    /// A WebSocket on a polling session answered the probe: release the pending poll (engine.io-protocol v4,
    /// "Upgrade"). Returns false if the session cannot upgrade.
    func probe(_ sid: String) -> Bool {
        guard let session = sessions[sid], session.transport == .polling else { return false }
        session.probing = true
        session.releasePoll()
        return true
    }

    /// The client sent the upgrade packet: the WebSocket carries the session from now on.
    func upgrade(_ sid: String) -> Bool {
        guard let session = sessions[sid], session.transport == .polling, session.probing else { return false }
        session.probing = false
        session.releasePoll()
        session.transport = .websocket
        logger.debug("engine.io session upgraded", metadata: ["sid": "\(sid)"])
        return true
    }

    /// A probing WebSocket went away before upgrading: the session stays on polling.
    func probeAbandoned(_ sid: String) {
        sessions[sid]?.probing = false
    }

    /// Ends a session: the hub hears of the disconnect and tells the others.
    func close(_ sid: String, reason: String) {
        guard let session = sessions.removeValue(forKey: sid) else { return }
        logger.debug("engine.io session closed", metadata: ["sid": "\(sid)", "reason": "\(reason)"])
        session.finish()
        dispatch(hub.disconnect(sid))
    }

    /// Closes every session (graceful shutdown): pending polls answer with a close packet, WebSockets close.
    func shutdown() {
        shuttingDown = true
        for sid in sessions.keys.sorted() {
            close(sid, reason: "server shutting down")
        }
    }

    private func dispatch(_ outputs: [SignalingHub.Output]) {
        for output in outputs {
            switch output {
            case .send(let sid, let packet):
                sessions[sid]?.enqueue(SocketIOPacketAssembler.messages(for: packet))
            }
        }
    }

    /// Server-initiated heartbeat (engine.io-protocol v4, "Heartbeat"): ping after `pingInterval`, then close unless
    /// a pong arrives within `pingTimeout`. A pong restarts the cycle.
    private func scheduleHeartbeat(_ session: EngineSession) {
        session.heartbeat?.cancel()
        let sid = session.sid
        let interval = timing.pingInterval
        session.heartbeat = Task { [weak self] in
            guard (try? await Task.sleep(for: .milliseconds(interval))) != nil else { return }
            await self?.sendPing(sid)
        }
    }

    private func sendPing(_ sid: String) {
        guard let session = sessions[sid] else { return }
        session.enqueue([.ping("")])
        let timeout = timing.pingTimeout
        session.heartbeat = Task { [weak self] in
            guard (try? await Task.sleep(for: .milliseconds(timeout))) != nil else { return }
            await self?.close(sid, reason: "ping timeout")
        }
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
