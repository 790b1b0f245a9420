import Signaling

/// The rooms and relay rules of PROTOCOL.md as a sans-IO state machine at the Socket.IO level: it takes the Socket.IO
/// packets each connection sends (plus "this connection is gone") and returns the packets to send, with no sockets,
/// clocks or randomness of its own. The server feeds it from its Engine.IO sessions; tests feed it directly.
public struct SignalingHub: Sendable {
    /// Names one Engine.IO session (its `sid`).
    public typealias ConnectionID = String

    /// What the hub wants done.
    public enum Output: Equatable, Sendable {
        /// Send `packet` on `connection`.
        case send(ConnectionID, SocketIOPacket)
    }

    /// A participant connected to namespace `/`.
    struct Participant: Sendable {
        let id: String
        let connection: ConnectionID
        /// The name from the CONNECT auth, replaced by the latest `join` name.
        var name: String
        /// Rooms this participant is in, with the name it joined each with.
        var rooms: [String: String] = [:]
    }

    /// The hub's configuration.
    public let configuration: SignalingHubConfiguration
    private let makeSocketID: @Sendable () -> String
    /// Participants by socket id.
    private(set) var participants: [String: Participant] = [:]
    /// The socket id of each connection that has connected to `/`.
    private var socketOfConnection: [ConnectionID: String] = [:]
    /// Room members by room name, in joining order.
    private(set) var rooms: [String: [String]] = [:]
    /// Calls (ringing or established) as unordered pairs of socket ids.
    private(set) var calls: Set<CallPair> = []

    /// A hub. `makeSocketID` gives each new participant its id; the server passes a random source, tests a counter.
    public init(configuration: SignalingHubConfiguration, makeSocketID: @escaping @Sendable () -> String) {
        self.configuration = configuration
        self.makeSocketID = makeSocketID
    }

    /// How many rooms have at least one member.
    public var roomCount: Int { rooms.count }
    /// How many participants are connected to `/`.
    public var participantCount: Int { participants.count }

    /// The socket id `connection` got when it connected, if it did.
    public func socketID(of connection: ConnectionID) -> String? { socketOfConnection[connection] }

    /// The rooms socket `id` is in, sorted.
    public func rooms(of id: String) -> [String] { participants[id]?.rooms.keys.sorted() ?? [] }

    /// Whether `a` and `b` are in a call (ringing or established).
    public func inCall(_ a: String, _ b: String) -> Bool { calls.contains(CallPair(a, b)) }

    /// A Socket.IO packet from `connection`; `now` is the wall-clock time in milliseconds since the Unix epoch (chat
    /// `ts`, the expiry of minted TURN credentials).
    public mutating func receive(_ packet: SocketIOPacket, from connection: ConnectionID, now: Double) -> [Output] {
        guard packet.namespace == "/" else {
            // Only the main namespace exists (socket.io answers other namespaces with CONNECT_ERROR).
            guard packet.kind == .connect else { return [] }
            let refusal = SocketIOPacket(kind: .connectError, namespace: packet.namespace,
                                         data: ["message": "Invalid namespace"])
            return [.send(connection, refusal)]
        }
        switch packet.kind {
        case .connect:
            return connect(connection, auth: packet.data)
        case .disconnect:
            return disconnect(connection)
        case .event, .binaryEvent:
            guard let id = socketOfConnection[connection] else { return [] }
            return handleEvent(packet, from: id, now: now)
        case .ack, .binaryAck, .connectError:
            return []
        }
    }

    /// CONNECT to `/` (socket.io-protocol v5, "Connection to a namespace"): checks the token, assigns a socket id.
    private mutating func connect(_ connection: ConnectionID, auth: JSONValue?) -> [Output] {
        if let token = configuration.token, auth?["token"]?.stringValue != token {
            let message = auth?["token"] == nil ? "authentication required" : "invalid token"
            return [.send(connection, SocketIOPacket(kind: .connectError, data: ["message": .string(message)]))]
        }
        if let existing = socketOfConnection[connection] {
            return [.send(connection, SocketIOPacket(kind: .connect, data: ["sid": .string(existing)]))]
        }
        var id = makeSocketID()
        while participants[id] != nil { id = makeSocketID() }
        let name = auth?["name"]?.stringValue.flatMap { $0.isEmpty ? nil : String($0.prefix(64)) } ?? "anonymous"
        participants[id] = Participant(id: id, connection: connection, name: name)
        socketOfConnection[connection] = id
        return [.send(connection, SocketIOPacket(kind: .connect, data: ["sid": .string(id)]))]
    }

    /// The connection is gone (transport closed, ping timeout, or a DISCONNECT packet): everyone in a call with it
    /// gets `hangup`, then everyone sharing a room with it gets `peer-left` (PROTOCOL.md, "Events: server → client").
    public mutating func disconnect(_ connection: ConnectionID) -> [Output] {
        guard let id = socketOfConnection.removeValue(forKey: connection) else { return [] }
        var outputs: [Output] = []
        for pair in calls.filter({ $0.contains(id) }).sorted() {
            calls.remove(pair)
            if let other = pair.other(than: id) {
                outputs += deliver(.hangup(from: id), to: other)
            }
        }
        for room in rooms(of: id) {
            outputs += removeMember(id, from: room)
        }
        participants[id] = nil
        return outputs
    }

    /// Takes `id` out of `room` and tells the remaining members.
    mutating func removeMember(_ id: String, from room: String) -> [Output] {
        participants[id]?.rooms[room] = nil
        var members = rooms[room] ?? []
        members.removeAll { $0 == id }
        rooms[room] = members.isEmpty ? nil : members
        return members.flatMap { deliver(.peerLeft(room: room, id: id), to: $0) }
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

    mutating func addCall(_ a: String, _ b: String) { calls.insert(CallPair(a, b)) }

    mutating func removeCall(_ a: String, _ b: String) { calls.remove(CallPair(a, b)) }

    /// Whether two participants are in at least one common room.
    func shareRoom(_ a: String, _ b: String) -> Bool {
        guard let roomsOfA = participants[a]?.rooms, let roomsOfB = participants[b]?.rooms else { return false }
        return roomsOfA.keys.contains { roomsOfB[$0] != nil }
    }

    /// The packet sending `event` to participant `id`.
    func deliver(_ event: SignalingEvent, to id: String) -> [Output] {
        guard let connection = participants[id]?.connection else { return [] }
        return [.send(connection, event.packet)]
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
