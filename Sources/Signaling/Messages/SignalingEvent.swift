/// A server → client event of PROTOCOL.md ("Events: server → client").
public enum SignalingEvent: Equatable, Sendable {
    /// Someone entered a room I am in.
    case peerJoined(room: String, id: String, name: String)
    /// Someone left (or disconnected from) a room I am in.
    case peerLeft(room: String, id: String)
    /// A chat line, `ts` in milliseconds since the Unix epoch.
    case chat(room: String, from: String, name: String, text: String, ts: Double)
    /// `from` (named `name`) calls me.
    case incomingCall(from: String, name: String)
    /// `from` accepted my call.
    case callAccepted(from: String)
    /// `from` declined my call.
    case callRejected(from: String, reason: String?)
    /// An SDP offer from `from`.
    case offer(from: String, sdp: String)
    /// An SDP answer from `from`.
    case answer(from: String, sdp: String)
    /// An ICE candidate (or end of candidates) from `from`.
    case candidate(from: String, candidate: ICECandidateInit?)
    /// `from` ended the call (or disconnected).
    case hangup(from: String)

    /// The event name on the wire.
    public var name: String {
        switch self {
        case .peerJoined: "peer-joined"
        case .peerLeft: "peer-left"
        case .chat: "chat"
        case .incomingCall: "incomingCall"
        case .callAccepted: "callAccepted"
        case .callRejected: "callRejected"
        case .offer: "offer"
        case .answer: "answer"
        case .candidate: "candidate"
        case .hangup: "hangup"
        }
    }

    /// The payload object.
    public var payload: JSONValue {
        switch self {
        case .peerJoined(let room, let id, let name):
            ["room": .string(room), "id": .string(id), "name": .string(name)]
        case .peerLeft(let room, let id): ["room": .string(room), "id": .string(id)]
        case .chat(let room, let from, let name, let text, let ts):
            ["room": .string(room), "from": .string(from), "name": .string(name), "text": .string(text),
             "ts": .number(ts)]
        case .incomingCall(let from, let name): ["from": .string(from), "name": .string(name)]
        case .callAccepted(let from), .hangup(let from): ["from": .string(from)]
        case .callRejected(let from, let reason): ["from": .string(from), "reason": reason.map { .string($0) } ?? .null]
        case .offer(let from, let sdp), .answer(let from, let sdp): ["from": .string(from), "sdp": .string(sdp)]
        case .candidate(let from, let candidate): ["from": .string(from), "candidate": candidate?.json ?? .null]
        }
    }

    /// The EVENT packet carrying this event.
    public var packet: SocketIOPacket { .event(name, [payload]) }

    /// Reads an event the server sent; `nil` for an unknown name or a payload missing a member.
    public init?(name: String, payload: JSONValue?) {
        guard let payload else { return nil }
        func string(_ key: String) -> String? { payload[key]?.stringValue }
        switch name {
        case "peer-joined":
            guard let room = string("room"), let id = string("id"), let peerName = string("name") else { return nil }
            self = .peerJoined(room: room, id: id, name: peerName)
        case "peer-left":
            guard let room = string("room"), let id = string("id") else { return nil }
            self = .peerLeft(room: room, id: id)
        case "chat":
            guard let room = string("room"), let from = string("from"), let text = string("text") else { return nil }
            self = .chat(room: room, from: from, name: string("name") ?? "", text: text,
                         ts: payload["ts"]?.numberValue ?? 0)
        case "incomingCall":
            guard let from = string("from") else { return nil }
            self = .incomingCall(from: from, name: string("name") ?? "")
        case "callAccepted":
            guard let from = string("from") else { return nil }
            self = .callAccepted(from: from)
        case "callRejected":
            guard let from = string("from") else { return nil }
            self = .callRejected(from: from, reason: string("reason"))
        case "offer", "answer":
            guard let from = string("from"), let sdp = string("sdp") else { return nil }
            self = name == "offer" ? .offer(from: from, sdp: sdp) : .answer(from: from, sdp: sdp)
        case "candidate":
            guard let from = string("from"), let candidate = payload["candidate"] else { return nil }
            if candidate.isNull {
                self = .candidate(from: from, candidate: nil)
            } else {
                guard let parsed = try? ICECandidateInit(json: candidate) else { return nil }
                self = .candidate(from: from, candidate: parsed)
            }
        case "hangup":
            guard let from = string("from") else { return nil }
            self = .hangup(from: from)
        default:
            return nil
        }
    }
}
