/// One Engine.IO v4 packet (engine.io-protocol, "Packet encoding"): a one-digit type followed by an optional payload.
///
/// On a WebSocket each packet is one frame: text packets are text frames, binary messages are binary frames holding
/// the raw bytes with no type prefix. On HTTP long-polling see `EngineIOPayload`.
public enum EngineIOPacket: Equatable, Sendable {
    /// Type 0, server → client: the handshake.
    case open(EngineIOHandshake)
    /// Type 1: the transport is being closed.
    case close
    /// Type 2: heartbeat request; in v4 the server pings, and `probe` is the upgrade probe of the client.
    case ping(String)
    /// Type 3: heartbeat answer, echoing the ping's payload (`3probe` answers `2probe`).
    case pong(String)
    /// Type 4 with a text payload (a Socket.IO packet).
    case message(String)
    /// A binary message (a Socket.IO attachment).
    case binaryMessage([UInt8])
    /// Type 5: the client switches to the probed transport.
    case upgrade
    /// Type 6: does nothing; the server answers a pending poll with it during an upgrade.
    case noop

    /// The type digit of a text packet.
    public var typeDigit: Character {
        switch self {
        case .open: "0"
        case .close: "1"
        case .ping: "2"
        case .pong: "3"
        case .message, .binaryMessage: "4"
        case .upgrade: "5"
        case .noop: "6"
        }
    }

    /// The text form (a WebSocket text frame or one polling record); `nil` for a binary message.
    public var text: String? {
        switch self {
        case .open(let handshake): "0" + handshake.json.serialized
        case .close: "1"
        case .ping(let payload): "2" + payload
        case .pong(let payload): "3" + payload
        case .message(let payload): "4" + payload
        case .binaryMessage: nil
        case .upgrade: "5"
        case .noop: "6"
        }
    }

    /// Parses a text packet (a WebSocket text frame or one polling record).
    public init(text: String) throws(EngineIOError) {
        guard let first = text.utf8.first else { throw .emptyPacket }
        let payload = String(text.utf8.dropFirst()) ?? ""
        switch first {
        case UInt8(ascii: "0"):
            let json: JSONValue
            do { json = try JSONValue(parsing: payload) } catch { throw .invalidHandshake }
            guard let handshake = EngineIOHandshake(json: json) else { throw .invalidHandshake }
            self = .open(handshake)
        case UInt8(ascii: "1"): self = .close
        case UInt8(ascii: "2"): self = .ping(payload)
        case UInt8(ascii: "3"): self = .pong(payload)
        case UInt8(ascii: "4"): self = .message(payload)
        case UInt8(ascii: "5"): self = .upgrade
        case UInt8(ascii: "6"): self = .noop
        default: throw .unknownType(first)
        }
    }

    /// A WebSocket frame's content.
    public enum Frame: Equatable, Sendable {
        /// A text frame.
        case text(String)
        /// A binary frame.
        case binary([UInt8])
    }

    /// The WebSocket frame carrying this packet.
    public var frame: Frame {
        if case .binaryMessage(let bytes) = self { return .binary(bytes) }
        return .text(text ?? "")
    }

    /// Parses a WebSocket frame: a binary frame is always a binary message.
    public init(frame: Frame) throws(EngineIOError) {
        switch frame {
        case .text(let text): try self.init(text: text)
        case .binary(let bytes): self = .binaryMessage(bytes)
        }
    }
}

/// Why Engine.IO data did not parse.
public enum EngineIOError: Error, Equatable, Sendable {
    /// A packet with no type digit.
    case emptyPacket
    /// A type byte other than 0 to 6.
    case unknownType(UInt8)
    /// An open packet whose payload is not a valid handshake object.
    case invalidHandshake
    /// A `b`-prefixed polling record that is not valid base64.
    case invalidBase64
    /// A polling payload larger than allowed.
    case payloadTooLarge
}
