import Signaling

/// Scale-out (several `linkup serve` nodes sharing rooms over a bus): every node keeps a replica of the others'
/// participants and room memberships, built from the bus messages its hub publishes (`.publish` outputs) and
/// applied here. Each node delivers events to its own participants only; the messages are:
/// - `join {node, id, name, room}` and `leave {node, id, room}`: presence;
/// - `gone {node, id, rooms}`: a participant disconnected for good (hangup and peer-left follow on every node);
/// - `chat {node, room, event, payload}`: a chat for every member of the room;
/// - `relay {node, to, toNode, from, call, event, payload}`: a one-to-one event for `to`, with `call` "add" or
///   "remove" when it starts or ends a call.
extension SignalingHub {
    /// Applies a bus message from another node (messages of this node, echoed by the bus, are ignored).
    public mutating func applyBus(_ message: JSONValue, now: Double) -> [Output] {
        guard let node = message["node"]?.stringValue, node != configuration.nodeID,
              let kind = message["t"]?.stringValue else { return [] }
        func text(_ key: String) -> String? { message[key]?.stringValue }
        switch kind {
        case "join":
            guard let id = text("id"), let name = text("name"), let room = text("room") else { return [] }
            return remoteJoin(id: id, name: name, room: room, node: node, now: now)
        case "leave":
            guard let id = text("id"), let room = text("room"), participants[id]?.node != nil,
                  participants[id]?.rooms[room] != nil else { return [] }
            var outputs = removeMember(id, from: room)
            if participants[id]?.rooms.isEmpty == true { outputs += remove(id) }
            return outputs
        case "gone":
            guard let id = text("id"), participants[id]?.node != nil else { return [] }
            return remove(id)
        case "chat":
            guard let room = text("room"), let name = text("event"),
                  let event = SignalingEvent(name: name, payload: message["payload"]) else { return [] }
            let packet = event.packet
            var outputs: [Output] = []
            for member in rooms[room] ?? [] {
                deliver(event, packet: packet, to: member, into: &outputs)
            }
            return outputs
        case "relay":
            guard let to = text("to"), let from = text("from"), participants[to]?.node == nil,
                  let name = text("event"), let event = SignalingEvent(name: name, payload: message["payload"])
            else { return [] }
            switch text("call") {
            case "add": addCall(from, to)
            case "remove": removeCall(from, to)
            default: break
            }
            return deliver(event, to: to)
        default:
            return []
        }
    }

    /// Join messages for every membership of our own participants, to announce them again (after the bus was
    /// lost for longer than a heartbeat, the other nodes have removed them).
    public var ownMembershipAnnouncements: [JSONValue] {
        guard let node = configuration.nodeID else { return [] }
        return participants.values.filter { $0.node == nil }.sorted { $0.id < $1.id }.flatMap { participant in
            participant.rooms.sorted { $0.key < $1.key }.map { room, name in
                ["t": "join", "node": .string(node), "id": .string(participant.id), "name": .string(name),
                 "room": .string(room)] as JSONValue
            }
        }
    }

    /// How many participants are connected to this node (detached ones included).
    public var localParticipantCount: Int { participants.values.count { $0.node == nil } }

    /// The other nodes that have participants here.
    public var remoteNodes: Set<String> { Set(participants.values.compactMap(\.node)) }

    /// The participants of `node` and their rooms (to clean the shared membership records after it died).
    public func members(ofNode node: String) -> [(id: String, rooms: [String])] {
        participants.values.filter { $0.node == node }.map { ($0.id, $0.rooms.keys.sorted()) }
            .sorted { $0.id < $1.id }
    }

    /// `node` died (its heartbeat expired): its participants leave, with hangup and peer-left for ours.
    public mutating func removeNode(_ node: String) -> [Output] {
        members(ofNode: node).flatMap { remove($0.id) }
    }

    private mutating func remoteJoin(id: String, name: String, room: String, node: String, now: Double) -> [Output] {
        if participants[id] == nil {
            let bucket = TokenBucket(capacity: 1, rate: 0, now: now / 1000)
            participants[id] = Participant(id: id, node: node, connection: nil, name: name, events: bucket)
        }
        guard participants[id]?.node != nil else { return [] }
        let wasMember = participants[id]?.rooms[room] != nil
        let others = addMember(id, name: name, to: room)
        guard !wasMember else { return [] }
        let joined = SignalingEvent.peerJoined(room: room, id: id, name: name)
        return others.flatMap { deliver(joined, to: $0) }
    }
}
