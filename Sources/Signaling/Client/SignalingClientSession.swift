/// The client side of one Engine.IO v4 + Socket.IO v5 connection over a WebSocket, as a sans-IO state machine.
///
/// Fed the text frames the server sends, it answers pings, connects to the default namespace with the `auth`
/// object once the Engine.IO handshake arrives, numbers outgoing events that want an acknowledgement, and reports
/// what the owner must know. It never touches the socket: frames to write come back as `.send`.
///
/// The handshake's `pingInterval + pingTimeout` is how long the server may stay silent before the connection is
/// presumed dead (engine.io-protocol, "Heartbeat"): `silenceLimit` gives it to the owner's watchdog.
public struct SignalingClientSession: Sendable {
    /// What the owner must do or know after an input.
    public enum Output: Equatable, Sendable {
        /// Write this text frame.
        case send(String)
        /// Socket.IO CONNECT succeeded: our socket id.
        case connected(socketID: String)
        /// The server refused the CONNECT (e.g. a missing or wrong token); not worth retrying.
        case refused(message: String)
        /// A server event.
        case event(name: String, payload: JSONValue?)
        /// The acknowledgement of our event `ackID`.
        case ack(ackID: Int, payload: JSONValue?)
        /// The server closed the session (Engine.IO close or Socket.IO DISCONNECT).
        case closed(reason: String)
    }

    /// The `auth` object of the CONNECT packet (PROTOCOL.md: `{name, token}`).
    public let auth: JSONValue?
    /// The Engine.IO handshake, once received.
    public private(set) var handshake: EngineIOHandshake?
    /// Our Socket.IO id, once connected.
    public private(set) var socketID: String?
    /// The private session id of connection state recovery (PROTOCOL.md), when the server granted one.
    public private(set) var pid: String?
    /// The offset of the last event received (its last argument, with recovery on).
    public private(set) var lastOffset: String?
    private var nextAckID = 0

    /// A session that will connect with `auth`.
    public init(auth: JSONValue?) {
        self.auth = auth
    }

    /// The WebSocket URL of the Engine.IO endpoint of `server` (`http://host:port`, or ws://, https://, wss://):
    /// its `/socket.io/?EIO=4&transport=websocket` (engine.io-protocol, "Transports").
    public static func webSocketURL(server: String) -> String {
        var base = server
        for (from, to) in [("http://", "ws://"), ("https://", "wss://")] where base.lowercased().hasPrefix(from) {
            base = to + base.dropFirst(from.count)
        }
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/socket.io/?EIO=4&transport=websocket"
    }

    /// How long the server may be silent before the connection counts as lost; nil before the handshake.
    public var silenceLimit: Duration? {
        handshake.map { .milliseconds($0.pingInterval + $0.pingTimeout) }
    }

    /// Feeds one text frame from the server.
    public mutating func receive(_ text: String) -> [Output] {
        let packet: EngineIOPacket
        do {
            packet = try EngineIOPacket(text: text)
        } catch {
            return []
        }
        switch packet {
        case .open(let handshake):
            self.handshake = handshake
            let connect = SocketIOPacket(kind: .connect, data: auth)
            return [.send(EngineIOPacket.message(connect.encoded).text ?? "")]
        case .ping(let payload):
            return [.send(EngineIOPacket.pong(payload).text ?? "")]
        case .close:
            return [.closed(reason: "the server closed the connection")]
        case .message(let text):
            return receiveSocketIO(text)
        case .pong, .binaryMessage, .upgrade, .noop:
            return []
        }
    }

    private mutating func receiveSocketIO(_ text: String) -> [Output] {
        guard let packet = try? SocketIOPacket(text: text), packet.namespace == "/" else { return [] }
        switch packet.kind {
        case .connect:
            let id = packet.data?["sid"]?.stringValue ?? ""
            socketID = id
            pid = packet.data?["pid"]?.stringValue
            return [.connected(socketID: id)]
        case .connectError:
            let message = packet.data?["message"]?.stringValue ?? packet.data?.stringValue ?? "connection refused"
            return [.refused(message: message)]
        case .disconnect:
            return [.closed(reason: "the server disconnected us")]
        case .event:
            guard let (name, arguments) = packet.event else { return [] }
            // With recovery, the server appends the event's offset as a last, extra argument.
            if pid != nil, arguments.count >= 2, let offset = arguments.last?.stringValue { lastOffset = offset }
            return [.event(name: name, payload: arguments.first)]
        case .ack:
            guard let id = packet.ackID else { return [] }
            return [.ack(ackID: id, payload: packet.data?.arrayValue?.first)]
        case .binaryEvent, .binaryAck:
            // LinkUp's protocol carries no binary data; attachments would follow as binary frames.
            return []
        }
    }

    /// The frame for event `name` with `payload`, asking for an acknowledgement; returns its ack id.
    public mutating func emit(_ name: String, _ payload: JSONValue) -> (ackID: Int, frame: String) {
        let id = nextAckID
        nextAckID += 1
        let packet = SocketIOPacket.event(name, [payload], ackID: id)
        return (id, EngineIOPacket.message(packet.encoded).text ?? "")
    }
}
