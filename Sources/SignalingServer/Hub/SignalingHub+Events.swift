import Signaling

extension SignalingHub {
    /// An EVENT from participant `id`: validates it into a `SignalingRequest`, applies it, and acknowledges it when
    /// the client asked for an acknowledgement (PROTOCOL.md, "Rules the server enforces").
    mutating func handleEvent(_ packet: SocketIOPacket, from id: String, now: Double) -> [Output] {
        let result: (SignalingAck, [Output])
        if !allowEvent(from: id, now: now) {
            result = (.failure(error: Self.rateLimited, message: "too many events; slow down"), [])
        } else if packet.kind == .binaryEvent {
            result = (.badRequest(SignalingRequestError("binary payloads are not accepted")), [])
        } else if let event = packet.event {
            do {
                let request = try SignalingRequest(eventName: event.name, payload: event.arguments.first)
                result = apply(request, from: id, now: now)
            } catch {
                result = (.badRequest(error), [])
            }
        } else {
            result = (.badRequest(SignalingRequestError("the event name must be a string")), [])
        }
        var outputs = result.1
        if case .failure(let error, _) = result.0 { stats.refused[error, default: 0] += 1 }
        if let ackID = packet.ackID, let connection = participant(id)?.connection {
            outputs.append(.send(connection, .ack(ackID, [result.0.json])))
        }
        return outputs
    }

    private mutating func apply(_ request: SignalingRequest, from id: String, now: Double) -> (SignalingAck, [Output]) {
        guard let sender = participant(id) else { return (.failure(error: "not-connected", message: nil), []) }
        switch request {
        case .join(let room, let requestedName):
            guard sender.authorization.allows(room: room) else {
                return (.failure(error: Self.forbidden, message: "your token does not allow room \(room)"), [])
            }
            let wasMember = sender.rooms[room] != nil
            if !wasMember, (rooms[room]?.count ?? 0) >= configuration.limits.maxRoomSize {
                return (.failure(error: Self.roomFull,
                                 message: "room \(room) has \(configuration.limits.maxRoomSize) participants"), [])
            }
            let name = sender.authorization.imposedName ?? requestedName
            let others = addMember(id, name: name, to: room)
            let peers = others.compactMap { other in
                participant(other).map { PeerInfo(id: other, name: $0.rooms[room] ?? $0.name) }
            }
            let ack = SignalingAck.joined(self: PeerInfo(id: id, name: name), peers: peers,
                                          iceServers: configuration.iceServers(for: id, now: now))
            let joined = SignalingEvent.peerJoined(room: room, id: id, name: name)
            let packet = joined.packet
            var outputs = wasMember ? [] : others.flatMap { deliver(joined, packet: packet, to: $0) }
            if let node = configuration.nodeID {
                outputs.append(.publish(["t": "join", "node": .string(node), "id": .string(id),
                                         "name": .string(name), "room": .string(room)]))
            }
            return (ack, outputs)
        case .leave(let room):
            guard sender.rooms[room] != nil else { return (Self.notInRoom("you are not in room \(room)"), []) }
            var outputs = removeMember(id, from: room)
            if let node = configuration.nodeID {
                outputs.append(.publish(["t": "leave", "node": .string(node), "id": .string(id), "room": .string(room)]))
            }
            return (.ok, outputs)
        case .chat(let room, let text):
            guard let name = sender.rooms[room] else { return (Self.notInRoom("you are not in room \(room)"), []) }
            let event = SignalingEvent.chat(room: room, from: id, name: name, text: text, ts: now)
            let packet = event.packet
            let members = rooms[room] ?? []
            var outputs: [Output] = []
            outputs.reserveCapacity(members.count + 1)
            for member in members {
                deliver(event, packet: packet, to: member, into: &outputs)
            }
            if let node = configuration.nodeID {
                outputs.append(.publish(["t": "chat", "node": .string(node), "room": .string(room),
                                         "event": .string(event.name), "payload": event.payload]))
            }
            return (.ok, outputs)
        default:
            return relay(request, from: sender)
        }
    }

    /// The one-to-one kinds: delivered to `to` only when both share a room; call, accept, reject and hangup also
    /// keep track of who is in a call with whom, so a disconnect can hang up the other side.
    private mutating func relay(_ request: SignalingRequest, from sender: Participant) -> (SignalingAck, [Output]) {
        guard let to = request.recipient, shareRoom(sender.id, to) else {
            return (Self.notInRoom("\(request.recipient ?? "") shares no room with you"), [])
        }
        let from = sender.id
        let event: SignalingEvent
        var call: JSONValue = .null
        switch request {
        case .call:
            addCall(from, to)
            event = .incomingCall(from: from, name: sender.name)
            call = "add"
        case .accept:
            addCall(from, to)
            event = .callAccepted(from: from)
            call = "add"
        case .reject(_, let reason):
            removeCall(from, to)
            event = .callRejected(from: from, reason: reason)
            call = "remove"
        case .hangup:
            removeCall(from, to)
            event = .hangup(from: from)
            call = "remove"
        case .offer(_, let sdp): event = .offer(from: from, sdp: sdp)
        case .answer(_, let sdp): event = .answer(from: from, sdp: sdp)
        case .candidate(_, let candidate): event = .candidate(from: from, candidate: candidate)
        case .join, .leave, .chat: return (.ok, [])
        }
        if let node = configuration.nodeID, let recipient = participant(to)?.node {
            // The recipient is on another node: its node delivers (and keeps track of the call too).
            return (.ok, [.publish(["t": "relay", "node": .string(node), "to": .string(to), "toNode": .string(recipient),
                                    "from": .string(from), "call": call, "event": .string(event.name),
                                    "payload": event.payload])])
        }
        return (.ok, deliver(event, to: to))
    }

    /// The refusal codes of PROTOCOL.md beyond `bad-request` and `not-in-room`.
    static let forbidden = "forbidden"
    static let rateLimited = "rate-limited"
    static let roomFull = "room-full"

    private static func notInRoom(_ message: String) -> SignalingAck {
        .failure(error: SignalingAck.notInRoom, message: message)
    }
}
