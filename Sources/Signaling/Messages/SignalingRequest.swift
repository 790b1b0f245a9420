/// A client → server event of PROTOCOL.md ("Events: client → server"), validated.
public enum SignalingRequest: Equatable, Sendable {
    /// Enter `room` as `name`.
    case join(room: String, name: String)
    /// Leave `room`.
    case leave(room: String)
    /// Say `text` to everyone in `room`.
    case chat(room: String, text: String)
    /// Ring participant `to`.
    case call(to: String)
    /// Accept the call of `to`.
    case accept(to: String)
    /// Decline the call of `to`.
    case reject(to: String, reason: String?)
    /// Send an SDP offer to `to`.
    case offer(to: String, sdp: String)
    /// Send an SDP answer to `to`.
    case answer(to: String, sdp: String)
    /// Trickle an ICE candidate (or end of candidates, `nil`) to `to`.
    case candidate(to: String, candidate: ICECandidateInit?)
    /// End the call with `to`.
    case hangup(to: String)

    /// Every event name a client may send.
    public static let eventNames = ["join", "leave", "chat", "call", "accept", "reject", "offer", "answer",
                                    "candidate", "hangup"]

    /// The event name.
    public var eventName: String {
        switch self {
        case .join: "join"
        case .leave: "leave"
        case .chat: "chat"
        case .call: "call"
        case .accept: "accept"
        case .reject: "reject"
        case .offer: "offer"
        case .answer: "answer"
        case .candidate: "candidate"
        case .hangup: "hangup"
        }
    }

    /// The participant this request is addressed to, for the relayed kinds.
    public var recipient: String? {
        switch self {
        case .join, .leave, .chat: nil
        case .call(let to), .accept(let to), .reject(let to, _), .offer(let to, _), .answer(let to, _),
             .candidate(let to, _), .hangup(let to): to
        }
    }

    /// The event payload object.
    public var payload: JSONValue {
        switch self {
        case .join(let room, let name): ["room": .string(room), "name": .string(name)]
        case .leave(let room): ["room": .string(room)]
        case .chat(let room, let text): ["room": .string(room), "text": .string(text)]
        case .call(let to), .accept(let to), .hangup(let to): ["to": .string(to)]
        case .reject(let to, let reason):
            reason.map { ["to": .string(to), "reason": .string($0)] } ?? ["to": .string(to)]
        case .offer(let to, let sdp), .answer(let to, let sdp): ["to": .string(to), "sdp": .string(sdp)]
        case .candidate(let to, let candidate): ["to": .string(to), "candidate": candidate?.json ?? .null]
        }
    }

    /// The EVENT packet a client sends for this request; `ackID` asks for an acknowledgement.
    public func packet(ackID: Int?) -> SocketIOPacket {
        .event(eventName, [payload], ackID: ackID)
    }

    /// Validates the payload of event `name` (the first argument after the name; `nil` if there was none).
    public init(eventName name: String, payload: JSONValue?) throws(SignalingRequestError) {
        guard let payload, let fields = payload.objectValue else {
            throw SignalingRequestError("\(name) needs an object payload")
        }
        let reader = PayloadReader(fields: fields)
        switch name {
        case "join":
            self = .join(room: try reader.name("room"), name: try reader.name("name"))
        case "leave":
            self = .leave(room: try reader.name("room"))
        case "chat":
            self = .chat(room: try reader.name("room"),
                         text: try reader.text("text", maximumBytes: SignalingLimits.maximumTextBytes))
        case "call": self = .call(to: try reader.id("to"))
        case "accept": self = .accept(to: try reader.id("to"))
        case "hangup": self = .hangup(to: try reader.id("to"))
        case "reject":
            self = .reject(to: try reader.id("to"), reason: try reader.optionalReason("reason"))
        case "offer":
            self = .offer(to: try reader.id("to"),
                          sdp: try reader.text("sdp", maximumBytes: SignalingLimits.maximumSDPBytes))
        case "answer":
            self = .answer(to: try reader.id("to"),
                           sdp: try reader.text("sdp", maximumBytes: SignalingLimits.maximumSDPBytes))
        case "candidate":
            let to = try reader.id("to")
            guard let candidate = fields["candidate"] else { throw SignalingRequestError("candidate is missing") }
            self = .candidate(to: to, candidate: candidate.isNull ? nil : try ICECandidateInit(json: candidate))
        default:
            throw SignalingRequestError("unknown event \(name)")
        }
    }
}

/// Reads the members of a request payload, turning each violation into a message for the `bad-request` ack.
struct PayloadReader {
    let fields: [String: JSONValue]

    func string(_ key: String) throws(SignalingRequestError) -> String {
        guard let value = fields[key] else { throw SignalingRequestError("\(key) is missing") }
        guard let string = value.stringValue else { throw SignalingRequestError("\(key) must be a string") }
        guard !string.isEmpty else { throw SignalingRequestError("\(key) must not be empty") }
        return string
    }

    /// A room or participant name: 1 to 64 characters.
    func name(_ key: String) throws(SignalingRequestError) -> String {
        let value = try string(key)
        guard value.utf8.count <= SignalingLimits.maximumNameBytes,
              value.count <= SignalingLimits.maximumNameCharacters else {
            throw SignalingRequestError("\(key) is longer than \(SignalingLimits.maximumNameCharacters) characters")
        }
        return value
    }

    /// A participant id.
    func id(_ key: String) throws(SignalingRequestError) -> String {
        let value = try string(key)
        guard value.utf8.count <= SignalingLimits.maximumIDCharacters else {
            throw SignalingRequestError("\(key) is longer than \(SignalingLimits.maximumIDCharacters) characters")
        }
        return value
    }

    /// Chat text or an SDP: non-empty, at most `maximumBytes` of UTF-8.
    func text(_ key: String, maximumBytes: Int) throws(SignalingRequestError) -> String {
        let value = try string(key)
        guard value.utf8.count <= maximumBytes else {
            throw SignalingRequestError("\(key) is longer than \(maximumBytes) bytes")
        }
        return value
    }

    /// An optional string (absent or null means none).
    func optionalReason(_ key: String) throws(SignalingRequestError) -> String? {
        guard let value = fields[key], !value.isNull else { return nil }
        guard let string = value.stringValue else { throw SignalingRequestError("\(key) must be a string") }
        guard string.utf8.count <= SignalingLimits.maximumReasonBytes else {
            throw SignalingRequestError("\(key) is longer than \(SignalingLimits.maximumReasonBytes) bytes")
        }
        return string
    }
}
