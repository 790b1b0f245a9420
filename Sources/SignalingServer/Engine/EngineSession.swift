import NIOCore
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
    case packets([OutgoingPacket])
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
    var outbox: [OutgoingPacket] = []
    /// The pending GET waiting for packets.
    var waiter: (transport: EngineTransport, continuation: CheckedContinuation<EngineOutgoing, Never>)?
    /// The WebSocket carrying the session, once it is on `websocket`: packets are written to it as they come.
    var sink: WebSocketSink?
    /// The server will write this WebSocket session's outbox at the end of the current batch.
    var writeQueued = false
    /// The session is over (`finish`).
    private(set) var finished = false
    /// Reassembles Socket.IO packets from Engine.IO messages.
    var assembler = SocketIOPacketAssembler()
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

    /// Queues packets and hands them to the transport. `deferWrite` leaves a WebSocket's packets queued until the
    /// next `flush()`, so a burst of outputs goes out in one write.
    func enqueue(_ packets: [OutgoingPacket], deferWrite: Bool = false) {
        outbox += packets
        if !deferWrite || sink == nil { flush() }
    }

    /// Hands the outbox to the transport: written to the WebSocket while its socket takes more (otherwise the
    /// packets wait here, where the slow-consumer limit counts them, until it is writable again), or given to the
    /// waiting poll.
    func flush() {
        guard !outbox.isEmpty else { return }
        if transport == .websocket, let sink {
            guard sink.isWritable else { return }
            sink.write(outbox)
            outbox = []
            return
        }
        guard let waiter, waiter.transport == transport else { return }
        self.waiter = nil
        let packets = outbox
        outbox = []
        waiter.continuation.resume(returning: .packets(packets))
    }

    /// Releases a pending poll with a noop (engine.io-protocol v4, "Upgrade"), so the client can finish upgrading.
    func releasePoll() {
        guard let waiter, waiter.transport == .polling else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: .packets([OutgoingPacket(.noop)]))
    }

    /// Ends the session: the waiting transport learns it is closed, a WebSocket gets a close frame.
    func finish() {
        finished = true
        sink?.close()
        sink = nil
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: .closed)
        }
    }
}
