/// One Socket.IO v5 packet (socket.io-protocol v5, "Packet encoding"), carried in an Engine.IO message:
///
///     <type>[<attachments>-][<namespace>,][<ack id>][<JSON data>]
///
/// The namespace is written only when it is not `/`. Binary packets (types 5 and 6) replace each byte array in the
/// data by `{"_placeholder":true,"num":N}` and send the arrays as the following N binary messages; `attachments`
/// holds them once they have all arrived (see `SocketIOPacketAssembler`).
public struct SocketIOPacket: Equatable, Sendable {
    /// The packet type.
    public enum Kind: Int, Equatable, Sendable {
        /// 0: connect to a namespace (client: optional auth object; server: `{"sid": ...}`).
        case connect = 0
        /// 1: leave a namespace.
        case disconnect = 1
        /// 2: an event: `["name", args...]`.
        case event = 2
        /// 3: an acknowledgement: `[args...]`.
        case ack = 3
        /// 4: connection refused: `{"message": ...}`.
        case connectError = 4
        /// 5: an event with binary attachments.
        case binaryEvent = 5
        /// 6: an acknowledgement with binary attachments.
        case binaryAck = 6

        /// Whether the packet announces attachments.
        public var isBinary: Bool { self == .binaryEvent || self == .binaryAck }
    }

    /// Largest ack id accepted; socket.io clients count up from 0, and this keeps the digits far from overflow.
    public static let maximumAckID = 1 << 53
    /// Most attachments one packet may announce; LinkUp sends none, so this only bounds memory.
    public static let maximumAttachments = 16

    /// The packet type.
    public var kind: Kind
    /// The namespace, `/` by default.
    public var namespace: String
    /// The acknowledgement id, when the sender wants (or this is) an acknowledgement.
    public var ackID: Int?
    /// The JSON data, if any.
    public var data: JSONValue?
    /// How many binary attachments follow (binary types only).
    public var attachmentCount: Int
    /// The attachments, once reassembled.
    public var attachments: [[UInt8]]

    /// A packet.
    public init(kind: Kind, namespace: String = "/", ackID: Int? = nil, data: JSONValue? = nil,
                attachments: [[UInt8]] = []) {
        self.kind = kind
        self.namespace = namespace
        self.ackID = ackID
        self.data = data
        self.attachmentCount = attachments.count
        self.attachments = attachments
    }

    /// An EVENT packet: `["name", args...]`.
    public static func event(_ name: String, _ arguments: [JSONValue], namespace: String = "/",
                             ackID: Int? = nil) -> SocketIOPacket {
        SocketIOPacket(kind: .event, namespace: namespace, ackID: ackID, data: .array([.string(name)] + arguments))
    }

    /// An ACK packet answering `ackID`.
    public static func ack(_ ackID: Int, _ arguments: [JSONValue], namespace: String = "/") -> SocketIOPacket {
        SocketIOPacket(kind: .ack, namespace: namespace, ackID: ackID, data: .array(arguments))
    }

    /// The event name and arguments of an EVENT or BINARY_EVENT packet.
    public var event: (name: String, arguments: [JSONValue])? {
        guard kind == .event || kind == .binaryEvent, let array = data?.arrayValue,
              let name = array.first?.stringValue else { return nil }
        return (name, Array(array.dropFirst()))
    }

    /// The text part (the Engine.IO message payload); the attachments follow it as binary messages.
    public var encoded: String {
        var text = String(kind.rawValue)
        if kind.isBinary { text += "\(attachmentCount)-" }
        if namespace != "/" { text += namespace + "," }
        if let ackID { text += String(ackID) }
        if let data { text += data.serialized }
        return text
    }

    /// Parses the text part. For binary types `attachments` is empty until the assembler fills it.
    public init(text: String) throws(SocketIOError) {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { throw .empty }
        guard first >= UInt8(ascii: "0"), let kind = Kind(rawValue: Int(first) - Int(UInt8(ascii: "0"))) else {
            throw .unknownType
        }
        var position = 1
        var attachmentCount = 0
        if kind.isBinary {
            let (count, end) = Self.readNumber(bytes, from: position)
            guard let count, end < bytes.count, bytes[end] == UInt8(ascii: "-") else { throw .invalidAttachments }
            guard count <= Self.maximumAttachments else { throw .tooManyAttachments }
            attachmentCount = count
            position = end + 1
        }
        var namespace = "/"
        if position < bytes.count, bytes[position] == UInt8(ascii: "/") {
            let end = bytes[position...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.count
            namespace = String(decoding: bytes[position..<end], as: UTF8.self)
            position = min(end + 1, bytes.count)
        }
        let (ackID, afterAck) = Self.readNumber(bytes, from: position)
        if afterAck > position, ackID == nil { throw .invalidAckID }
        position = afterAck
        var data: JSONValue?
        if position < bytes.count {
            do { data = try JSONValue(parsing: Array(bytes[position...])) } catch { throw .invalidData(error) }
        }
        self.init(kind: kind, namespace: namespace, ackID: ackID, data: data)
        self.attachmentCount = attachmentCount
        try validate()
    }

    /// Decimal digits at `start`: the value (nil if there are none or too many) and where they end.
    private static func readNumber(_ bytes: [UInt8], from start: Int) -> (Int?, Int) {
        var end = start
        var value = 0
        var overflow = false
        while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") {
            if !overflow {
                value = value * 10 + Int(bytes[end] - UInt8(ascii: "0"))
                if value > maximumAckID { overflow = true }
            }
            end += 1
        }
        return (end == start || overflow ? nil : value, end)
    }

    /// The shape rules of socket.io-protocol v5 for each type's data.
    private func validate() throws(SocketIOError) {
        switch kind {
        case .connect:
            if let data, data.objectValue == nil { throw .invalidPayload }
        case .disconnect:
            if data != nil { throw .invalidPayload }
        case .event, .binaryEvent:
            guard let array = data?.arrayValue, let name = array.first else { throw .invalidPayload }
            guard name.stringValue != nil || name.numberValue != nil else { throw .invalidPayload }
        case .ack, .binaryAck:
            guard ackID != nil, data?.arrayValue != nil else { throw .invalidPayload }
        case .connectError:
            guard let data, data.objectValue != nil || data.stringValue != nil else { throw .invalidPayload }
        }
    }
}

/// Why a Socket.IO packet did not parse.
public enum SocketIOError: Error, Equatable, Sendable {
    /// An empty message.
    case empty
    /// A type digit other than 0 to 6.
    case unknownType
    /// A binary packet without a valid `<count>-` prefix.
    case invalidAttachments
    /// A binary packet announcing more than `SocketIOPacket.maximumAttachments`.
    case tooManyAttachments
    /// An ack id that is too large.
    case invalidAckID
    /// Data that is not JSON.
    case invalidData(JSONError)
    /// Data whose shape does not fit the packet type.
    case invalidPayload
    /// A binary message arrived when no attachment was expected.
    case unexpectedAttachment
}
