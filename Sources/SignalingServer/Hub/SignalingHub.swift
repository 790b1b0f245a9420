import Signaling

/// The rooms and relay rules of PROTOCOL.md as a sans-IO state machine at the Socket.IO level: it takes the Socket.IO
/// packets each connection sends (plus "this connection is gone") and returns the packets to send, with no sockets,
/// clocks or randomness of its own. The server feeds it from its Engine.IO sessions; tests feed it directly.
///
/// Connection state recovery (PROTOCOL.md, after Socket.IO v4.6): with a `recoveryWindow`, a participant that asked
/// for it in its CONNECT `auth` gets a private session id (`pid`) and numbered events; when its
/// connection is lost (`drop`) it stays in its rooms and calls, detached, and the events meant for it are kept; a
/// CONNECT carrying its private id (`auth.pid`) and last offset (`auth.offset`) within the window reattaches it and
/// replays what it missed. Nobody else notices. `expire` ends the participants whose window has passed.
public struct SignalingHub: Sendable {
    /// Names one Engine.IO session (its `sid`).
    public typealias ConnectionID = String

    /// What the hub wants done.
    public enum Output: Equatable, Sendable {
        /// Send `packet` on `connection`.
        case send(ConnectionID, SocketIOPacket)
        /// Close `connection` without treating it as a disconnect: its participant moved to a newer connection.
        case release(ConnectionID)
        /// Tell the other nodes (scale-out): a bus message for `applyBus` on every other node.
        case publish(JSONValue)
    }

    /// Counters the server exports as metrics.
    public struct Stats: Sendable, Equatable {
        /// Events delivered to participants (one per recipient).
        public var delivered = 0
        /// Refused requests by error code (`bad-request`, `not-in-room`, `forbidden`, `rate-limited`, `room-full`).
        public var refused: [String: Int] = [:]
        /// Sessions recovered within the window.
        public var recoveries = 0
        /// Refused CONNECTs.
        public var refusedConnects = 0
    }

    /// A participant connected to namespace `/`.
    struct Participant: Sendable {
        let id: String
        /// The node it is connected to, for a participant of another node (scale-out); nil for our own.
        var node: String?
        /// The connection, or nil while detached (lost, waiting for recovery).
        var connection: ConnectionID?
        /// The name from the CONNECT auth, replaced by the latest `join` name.
        var name: String
        /// Rooms this participant is in, with the name it joined each with.
        var rooms: [String: String] = [:]
        /// What its CONNECT allowed.
        var authorization: ConnectAuthorization = .anyRoom
        /// The private session id of connection state recovery; nil when recovery is off.
        var pid: String?
        /// Whether events sent to it carry an offset as their last argument (the client asked for recovery).
        var offsets = false
        /// The offset of the last event sent.
        var lastOffset = 0
        /// Recent events with their offsets, for replay after a recovery.
        var history: [(offset: Int, packet: SocketIOPacket)] = []
        /// When the connection was lost (milliseconds), while detached.
        var detachedAt: Double?
        /// The offset of the last event sent before detaching.
        var offsetAtDetach = 0
        /// The per-socket event rate limit.
        var events: TokenBucket
    }

    /// The hub's configuration.
    public let configuration: SignalingHubConfiguration
    private let makeSocketID: @Sendable () -> String
    /// Participants by socket id.
    var participants: [String: Participant] = [:]
    /// The socket id of each connection that has connected to `/`.
    private var socketOfConnection: [ConnectionID: String] = [:]
    /// Socket ids by private session id.
    private var socketOfPID: [String: String] = [:]
    /// Room members by room name, in joining order.
    private(set) var rooms: [String: [String]] = [:]
    /// Calls (ringing or established) as unordered pairs of socket ids.
    private(set) var calls: Set<CallPair> = []
    /// What happened so far, for metrics.
    public internal(set) var stats = Stats()

    /// A hub. `makeSocketID` gives each new participant its id (and private session id); the server passes a random
    /// source, tests a counter.
    public init(configuration: SignalingHubConfiguration, makeSocketID: @escaping @Sendable () -> String) {
        self.configuration = configuration
        self.makeSocketID = makeSocketID
    }

    /// How many rooms have at least one member.
    public var roomCount: Int { rooms.count }
    /// How many participants are connected to `/` (detached ones waiting for recovery included).
    public var participantCount: Int { participants.count }
    /// How many participants are detached, waiting for recovery.
    public var detachedCount: Int { participants.values.count { $0.detachedAt != nil } }
    /// How many calls are ringing or established.
    public var callCount: Int { calls.count }

    /// The socket id `connection` got when it connected, if it did.
    public func socketID(of connection: ConnectionID) -> String? { socketOfConnection[connection] }

    /// The rooms socket `id` is in, sorted.
    public func rooms(of id: String) -> [String] { participants[id]?.rooms.keys.sorted() ?? [] }

    /// Whether `a` and `b` are in a call (ringing or established).
    public func inCall(_ a: String, _ b: String) -> Bool { calls.contains(CallPair(a, b)) }

    /// A Socket.IO packet from `connection`; `now` is the wall-clock time in milliseconds since the Unix epoch (chat
    /// `ts`, the expiry of minted TURN credentials, rate limits). `authorization` is what the server decided a
    /// CONNECT's `auth` allows; nil lets the hub check the shared token itself.
    public mutating func receive(_ packet: SocketIOPacket, from connection: ConnectionID, now: Double,
                                 authorization: ConnectAuthorization? = nil) -> [Output] {
        guard packet.namespace == "/" else {
            // Only the main namespace exists (socket.io answers other namespaces with CONNECT_ERROR).
            guard packet.kind == .connect else { return [] }
            let refusal = SocketIOPacket(kind: .connectError, namespace: packet.namespace,
                                         data: ["message": "Invalid namespace"])
            return [.send(connection, refusal)]
        }
        switch packet.kind {
        case .connect:
            return connect(connection, auth: packet.data,
                           authorization: authorization ?? sharedTokenAuthorization(packet.data), now: now)
        case .disconnect:
            return disconnect(connection)
        case .event, .binaryEvent:
            guard let id = socketOfConnection[connection] else { return [] }
            return handleEvent(packet, from: id, now: now)
        case .ack, .binaryAck, .connectError:
            return []
        }
    }

    private func sharedTokenAuthorization(_ auth: JSONValue?) -> ConnectAuthorization {
        guard let token = configuration.token, auth?["token"]?.stringValue != token else { return .anyRoom }
        return .refused(auth?["token"] == nil ? "authentication required" : "invalid token")
    }

    /// CONNECT to `/` (socket.io-protocol v5, "Connection to a namespace"): checks the authorization, recovers a
    /// detached session named by `auth.pid`, or assigns a new socket id.
    private mutating func connect(_ connection: ConnectionID, auth: JSONValue?,
                                  authorization: ConnectAuthorization, now: Double) -> [Output] {
        if case .refused(let message) = authorization {
            stats.refusedConnects += 1
            return [.send(connection, SocketIOPacket(kind: .connectError, data: ["message": .string(message)]))]
        }
        if let existing = socketOfConnection[connection] {
            return [.send(connection, connectAck(existing))]
        }
        if let pid = auth?["pid"]?.stringValue, let id = socketOfPID[pid], participants[id] != nil {
            return recover(id, on: connection, offset: auth?["offset"]?.stringValue.flatMap { Int($0) })
        }
        var id = makeSocketID()
        while participants[id] != nil { id = makeSocketID() }
        let requested = auth?["name"]?.stringValue.flatMap { $0.isEmpty ? nil : String($0.prefix(64)) }
        let name = authorization.imposedName ?? requested ?? "anonymous"
        let bucket = TokenBucket(capacity: Double(configuration.limits.eventBurst),
                                 rate: configuration.limits.eventsPerSecond, now: now / 1000)
        var participant = Participant(id: id, node: nil, connection: connection, name: name,
                                      authorization: authorization, events: bucket)
        // Recovery is for clients that ask for it (`auth.recover: true`, or a `pid` from an earlier session): the
        // others keep the plain Socket.IO behaviour, with no offsets in their events and an immediate disconnect.
        if configuration.recoveryWindow > 0, auth?["recover"]?.boolValue == true || auth?["pid"] != nil {
            var pid = makeSocketID()
            while socketOfPID[pid] != nil { pid = makeSocketID() }
            participant.pid = pid
            participant.offsets = true
            socketOfPID[pid] = id
        }
        participants[id] = participant
        socketOfConnection[connection] = id
        return [.send(connection, connectAck(id))]
    }

    private func connectAck(_ id: String) -> SocketIOPacket {
        var data: [String: JSONValue] = ["sid": .string(id)]
        if let pid = participants[id]?.pid { data["pid"] = .string(pid) }
        return SocketIOPacket(kind: .connect, data: .object(data))
    }

    /// Reattaches participant `id` to `connection` and replays the events after `offset` (or, without a known
    /// offset, those sent since it detached). A connection it still had is released silently.
    private mutating func recover(_ id: String, on connection: ConnectionID, offset: Int?) -> [Output] {
        guard var participant = participants[id] else { return [] }
        var outputs: [Output] = []
        if let old = participant.connection {
            socketOfConnection[old] = nil
            outputs.append(.release(old))
        }
        let first = participant.history.first?.offset ?? (participant.lastOffset + 1)
        let from = offset.flatMap { $0 + 1 >= first && $0 <= participant.lastOffset ? $0 : nil }
            ?? (participant.detachedAt != nil ? participant.offsetAtDetach : participant.lastOffset)
        participant.connection = connection
        participant.detachedAt = nil
        participant.offsets = true
        participants[id] = participant
        socketOfConnection[connection] = id
        stats.recoveries += 1
        outputs.append(.send(connection, connectAck(id)))
        for entry in participant.history where entry.offset > from {
            outputs.append(.send(connection, entry.packet))
        }
        return outputs
    }

    /// The connection was lost (transport closed or failed, ping timeout): with recovery on, the participant stays
    /// detached until `expire` ends it or a CONNECT recovers it; otherwise it is a `disconnect`.
    public mutating func drop(_ connection: ConnectionID, now: Double) -> [Output] {
        guard configuration.recoveryWindow > 0, let id = socketOfConnection[connection],
              participants[id]?.pid != nil else { return disconnect(connection) }
        socketOfConnection[connection] = nil
        guard var participant = participants[id] else { return [] }
        participant.connection = nil
        participant.detachedAt = now
        participant.offsetAtDetach = participant.lastOffset
        participants[id] = participant
        return []
    }

    /// Ends the detached participants whose recovery window has passed at `now` (milliseconds), as `disconnect`
    /// would have.
    public mutating func expire(now: Double) -> [Output] {
        let expired = participants.values.filter { participant in
            guard let since = participant.detachedAt else { return false }
            return now - since >= configuration.recoveryWindow
        }.map(\.id).sorted()
        return expired.flatMap { remove($0) }
    }

    /// The connection is gone for good (a DISCONNECT packet, a client close, or no recovery): everyone in a call
    /// with it gets `hangup`, then everyone sharing a room with it gets `peer-left` (PROTOCOL.md, "Events: server →
    /// client").
    public mutating func disconnect(_ connection: ConnectionID) -> [Output] {
        guard let id = socketOfConnection.removeValue(forKey: connection) else { return [] }
        return remove(id)
    }

    mutating func remove(_ id: String) -> [Output] {
        if let connection = participants[id]?.connection { socketOfConnection[connection] = nil }
        var outputs: [Output] = []
        if let node = configuration.nodeID, let participant = participants[id], participant.node == nil {
            outputs.append(.publish(["t": "gone", "node": .string(node), "id": .string(id),
                                     "rooms": .array(participant.rooms.keys.sorted().map { .string($0) })]))
        }
        for pair in calls.filter({ $0.contains(id) }).sorted() {
            calls.remove(pair)
            if let other = pair.other(than: id) {
                outputs += deliver(.hangup(from: id), to: other)
            }
        }
        for room in rooms(of: id) {
            outputs += removeMember(id, from: room)
        }
        if let pid = participants[id]?.pid { socketOfPID[pid] = nil }
        participants[id] = nil
        return outputs
    }

    /// Takes `id` out of `room` and tells the remaining members.
    mutating func removeMember(_ id: String, from room: String) -> [Output] {
        participants[id]?.rooms[room] = nil
        var members = rooms[room] ?? []
        members.removeAll { $0 == id }
        rooms[room] = members.isEmpty ? nil : members
        let event = SignalingEvent.peerLeft(room: room, id: id)
        let packet = event.packet
        return members.flatMap { deliver(event, packet: packet, to: $0) }
    }

    /// Adds `id` to `room` under `name`; returns the other members before it.
    mutating func addMember(_ id: String, name: String, to room: String) -> [String] {
        let others = (rooms[room] ?? []).filter { $0 != id }
        if participants[id]?.rooms[room] == nil {
            rooms[room, default: []].append(id)
        }
        participants[id]?.rooms[room] = name
        participants[id]?.name = name
        return others
    }

    func participant(_ id: String) -> Participant? { participants[id] }

    /// Takes one token from `id`'s event bucket at `now` (milliseconds); false when it is over its rate.
    mutating func allowEvent(from id: String, now: Double) -> Bool {
        participants[id]?.events.allow(now: now / 1000) ?? false
    }

    mutating func addCall(_ a: String, _ b: String) { calls.insert(CallPair(a, b)) }

    mutating func removeCall(_ a: String, _ b: String) { calls.remove(CallPair(a, b)) }

    /// Whether two participants are in at least one common room.
    func shareRoom(_ a: String, _ b: String) -> Bool {
        guard let roomsOfA = participants[a]?.rooms, let roomsOfB = participants[b]?.rooms else { return false }
        return roomsOfA.keys.contains { roomsOfB[$0] != nil }
    }

    /// The packet sending `event` to participant `id`: with recovery on it is numbered and kept for replay, with an
    /// offset as its last argument when the client asked for offsets; a detached participant only has it kept.
    /// A broadcast passes the plain `packet` (`event.packet`) it made once, so every recipient without offsets gets
    /// the same value, which the server encodes once.
    mutating func deliver(_ event: SignalingEvent, packet plain: SocketIOPacket? = nil, to id: String) -> [Output] {
        var outputs: [Output] = []
        deliver(event, packet: plain, to: id, into: &outputs)
        return outputs
    }

    /// `deliver(_:packet:to:)`, appending to `outputs`: a broadcast collects every recipient's output in one array.
    mutating func deliver(_ event: SignalingEvent, packet plain: SocketIOPacket?, to id: String,
                          into outputs: inout [Output]) {
        guard let index = participants.index(forKey: id) else { return }
        // A participant of another node gets its events from its own node.
        guard participants.values[index].node == nil else { return }
        stats.delivered += 1
        guard participants.values[index].pid != nil else {
            // Without recovery: the plain packet, and nothing to keep (read in place, without copying the participant).
            if let connection = participants.values[index].connection {
                outputs.append(.send(connection, plain ?? event.packet))
            }
            return
        }
        var participant = participants.values[index]
        participant.lastOffset += 1
        let offset = participant.lastOffset
        let packet = participant.offsets ? SocketIOPacket.event(event.name, [event.payload, .string(String(offset))])
            : plain ?? event.packet
        participant.history.append((offset, packet))
        // While connected, only what may be in flight is kept; while detached, up to `recoveryBuffer`.
        let kept = participant.detachedAt == nil ? min(64, configuration.recoveryBuffer) : configuration.recoveryBuffer
        if participant.history.count > kept {
            participant.history.removeFirst(participant.history.count - kept)
        }
        let overflowed = participant.detachedAt != nil
            && participant.lastOffset - participant.offsetAtDetach > configuration.recoveryBuffer
        participants[id] = participant
        if overflowed {
            // Missed more than can be replayed: recovery would be a lie, so it ends now.
            outputs += remove(id)
            return
        }
        if let connection = participant.connection {
            outputs.append(.send(connection, packet))
        }
    }
}

/// Two participants in a call, in either order.
struct CallPair: Hashable, Comparable, Sendable {
    let first: String
    let second: String

    init(_ a: String, _ b: String) {
        (first, second) = a <= b ? (a, b) : (b, a)
    }

    func contains(_ id: String) -> Bool { first == id || second == id }

    func other(than id: String) -> String? {
        first == id ? second : (second == id ? first : nil)
    }

    static func < (lhs: CallPair, rhs: CallPair) -> Bool {
        (lhs.first, lhs.second) < (rhs.first, rhs.second)
    }
}
