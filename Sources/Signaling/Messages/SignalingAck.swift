/// A participant as PROTOCOL.md lists it: its socket id and its name.
public struct PeerInfo: Equatable, Hashable, Sendable {
    /// The Socket.IO socket id.
    public var id: String
    /// The name it joined with.
    public var name: String

    /// A participant.
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    /// `{id, name}`.
    public var json: JSONValue { ["id": .string(id), "name": .string(name)] }

    /// Reads `{id, name}`.
    public init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue, let name = json["name"]?.stringValue else { return nil }
        self.init(id: id, name: name)
    }
}

/// The acknowledgement a request gets (PROTOCOL.md, "ack" column and "Rules the server enforces").
public enum SignalingAck: Equatable, Sendable {
    /// `{ok:true}`.
    case ok
    /// The `join` acknowledgement: who I am, who else is in the room, and the ICE servers to use.
    case joined(self: PeerInfo, peers: [PeerInfo], iceServers: [ICEServer])
    /// `{ok:false, error, message?}`.
    case failure(error: String, message: String?)

    /// The error code for a malformed payload.
    public static let badRequest = "bad-request"
    /// The error code for a recipient that shares no room with the sender.
    public static let notInRoom = "not-in-room"

    /// A `bad-request` failure.
    public static func badRequest(_ error: SignalingRequestError) -> SignalingAck {
        .failure(error: badRequest, message: error.message)
    }

    /// The acknowledgement object.
    public var json: JSONValue {
        switch self {
        case .ok:
            return ["ok": true]
        case .joined(let me, let peers, let iceServers):
            return ["ok": true, "self": me.json, "peers": .array(peers.map(\.json)),
                    "iceServers": .array(iceServers.map(\.json))]
        case .failure(let error, let message):
            var object: [String: JSONValue] = ["ok": false, "error": .string(error)]
            if let message { object["message"] = .string(message) }
            return .object(object)
        }
    }

    /// Reads an acknowledgement object; `nil` if it has no boolean `ok` or a malformed `join` part.
    public init?(json: JSONValue) {
        guard let ok = json["ok"]?.boolValue else { return nil }
        guard ok else {
            self = .failure(error: json["error"]?.stringValue ?? "unknown", message: json["message"]?.stringValue)
            return
        }
        guard let me = json["self"] else {
            self = .ok
            return
        }
        guard let info = PeerInfo(json: me) else { return nil }
        let peers = json["peers"]?.arrayValue?.compactMap(PeerInfo.init(json:)) ?? []
        let servers = json["iceServers"]?.arrayValue?.compactMap(ICEServer.init(json:)) ?? []
        self = .joined(self: info, peers: peers, iceServers: servers)
    }
}
