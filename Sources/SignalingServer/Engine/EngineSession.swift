import Signaling

/// Which Engine.IO transport carries a session's packets.
enum EngineTransport: Sendable {
    /// HTTP long-polling: GET receives, POST sends.
    case polling
    /// One WebSocket.
    case websocket
}

/// What a transport gets when it asks a session for outgoing packets.
enum EngineOutgoing: Sendable {
    /// Packets to write.
    case packets([EngineIOPacket])
    /// The session is over; a poll answers with a close packet, a WebSocket closes.
    case closed
    /// The request is not allowed (unknown session, wrong transport, or a second concurrent poll).
    case refused
}

/// One Engine.IO session (engine.io-protocol v4, "Session"), owned by `EngineIOServer` and only touched on its actor.
final class EngineSession {
    let sid: String
    var transport: EngineTransport
    /// A WebSocket answered `2probe` and the client has not yet sent `5` (upgrade).
    var probing = false
    /// Packets waiting for the transport.
    var outbox: [EngineIOPacket] = []
    /// The transport (a pending GET, or the WebSocket writer) waiting for packets.
    var waiter: (transport: EngineTransport, continuation: CheckedContinuation<EngineOutgoing, Never>)?
    /// Reassembles Socket.IO packets from Engine.IO messages.
    var assembler = SocketIOPacketAssembler()
    /// The next ping, or the pong deadline after one.
    var heartbeat: Task<Void, Never>?
    /// When the session opened, and when the client last polled or sent something (for reaping idle sessions).
    let openedAt: ContinuousClock.Instant
    var lastActivity: ContinuousClock.Instant
    /// Whether the client connected to a Socket.IO namespace.
    var joinedNamespace = false
    /// The client's IP address, when known.
    let remote: String?

    init(sid: String, transport: EngineTransport, remote: String? = nil, now: ContinuousClock.Instant = .now) {
        self.sid = sid
        self.transport = transport
        self.remote = remote
        self.openedAt = now
        self.lastActivity = now
    }

    /// Queues packets and wakes the current transport's waiter.
    func enqueue(_ packets: [EngineIOPacket]) {
        outbox += packets
        flush()
    }

    /// Hands the outbox to the waiter when there is something to hand over and the waiter is the live transport.
    func flush() {
        guard !outbox.isEmpty, let waiter, waiter.transport == transport else { return }
        self.waiter = nil
        let packets = outbox
        outbox = []
        waiter.continuation.resume(returning: .packets(packets))
    }

    /// Releases a pending poll with a noop (engine.io-protocol v4, "Upgrade"), so the client can finish upgrading.
    func releasePoll() {
        guard let waiter, waiter.transport == .polling else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: .packets([.noop]))
    }

    /// Ends the session: the waiting transport learns it is closed.
    func finish() {
        heartbeat?.cancel()
        heartbeat = nil
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: .closed)
        }
    }
}
