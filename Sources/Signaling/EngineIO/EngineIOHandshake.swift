/// The payload of the Engine.IO v4 open packet (engine.io-protocol, "Handshake").
public struct EngineIOHandshake: Equatable, Sendable {
    /// The session id; polling requests carry it as `sid`.
    public var sid: String
    /// Transports the client may upgrade to (`["websocket"]` on polling, `[]` on a websocket).
    public var upgrades: [String]
    /// Milliseconds between the server's pings.
    public var pingInterval: Int
    /// Milliseconds the server waits for a pong before closing.
    public var pingTimeout: Int
    /// The largest polling payload, in bytes, the server accepts.
    public var maxPayload: Int

    /// A handshake.
    public init(sid: String, upgrades: [String], pingInterval: Int, pingTimeout: Int, maxPayload: Int) {
        self.sid = sid
        self.upgrades = upgrades
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.maxPayload = maxPayload
    }

    /// Reads the handshake object; `nil` if a field is missing or of the wrong type.
    public init?(json: JSONValue) {
        guard let sid = json["sid"]?.stringValue,
              let upgrades = json["upgrades"]?.arrayValue?.compactMap(\.stringValue),
              let pingInterval = json["pingInterval"]?.intValue,
              let pingTimeout = json["pingTimeout"]?.intValue,
              let maxPayload = json["maxPayload"]?.intValue else { return nil }
        self.init(sid: sid, upgrades: upgrades, pingInterval: pingInterval, pingTimeout: pingTimeout,
                  maxPayload: maxPayload)
    }

    /// The handshake object.
    public var json: JSONValue {
        .object([
            "sid": .string(sid),
            "upgrades": .array(upgrades.map { .string($0) }),
            "pingInterval": .number(Double(pingInterval)),
            "pingTimeout": .number(Double(pingTimeout)),
            "maxPayload": .number(Double(maxPayload)),
        ])
    }
}
