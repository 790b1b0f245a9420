import Wire

/// One chunk of an SCTP packet (RFC 9260 §3.2): a type, flags, a length and a value padded to 32 bits.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |   Chunk Type  | Chunk  Flags  |        Chunk Length           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     \                                                               \
///     /                          Chunk Value                          /
///     \                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public enum SCTPChunk: Equatable, Sendable {
    /// DATA (type 0, RFC 9260 §3.3.1).
    case data(DataChunk)
    /// INIT (type 1, §3.3.2).
    case initiation(InitChunk)
    /// INIT ACK (type 2, §3.3.3); same layout as INIT, carrying the state cookie.
    case initiationAck(InitChunk)
    /// SACK (type 3, §3.3.4).
    case sack(SackChunk)
    /// HEARTBEAT (type 4, §3.3.5); the value is the sender's opaque heartbeat information parameter(s).
    case heartbeat(info: ArraySlice<UInt8>)
    /// HEARTBEAT ACK (type 5, §3.3.6): the heartbeat's information echoed back.
    case heartbeatAck(info: ArraySlice<UInt8>)
    /// ABORT (type 6, §3.3.7).
    case abort(AbortChunk)
    /// SHUTDOWN (type 7, §3.3.8) with the sender's cumulative TSN ack.
    case shutdown(cumulativeTSNAck: UInt32)
    /// SHUTDOWN ACK (type 8, §3.3.9).
    case shutdownAck
    /// ERROR (type 9, §3.3.10): operational errors that do not end the association.
    case error(causes: [ErrorCause])
    /// COOKIE ECHO (type 10, §3.3.11): the state cookie from an INIT ACK, returned.
    case cookieEcho(cookie: ArraySlice<UInt8>)
    /// COOKIE ACK (type 11, §3.3.12).
    case cookieAck
    /// SHUTDOWN COMPLETE (type 14, §3.3.13); `tagReflected` is the T bit.
    case shutdownComplete(tagReflected: Bool)
    /// FORWARD TSN (type 192, RFC 3758 §3.2).
    case forwardTSN(ForwardTSNChunk)
    /// RE-CONFIG (type 130, RFC 6525 §3.1).
    case reconfig(ReconfigChunk)
    /// A chunk type this stack does not implement, kept as bytes; its type's upper two bits say what to do with it.
    case unknown(type: UInt8, flags: UInt8, value: ArraySlice<UInt8>)

    /// Chunk type numbers (RFC 9260 §3.2, RFC 3758 §3.2, RFC 6525 §3.1).
    enum Kind {
        static let data: UInt8 = 0, initiation: UInt8 = 1, initiationAck: UInt8 = 2, sack: UInt8 = 3
        static let heartbeat: UInt8 = 4, heartbeatAck: UInt8 = 5, abort: UInt8 = 6, shutdown: UInt8 = 7
        static let shutdownAck: UInt8 = 8, error: UInt8 = 9, cookieEcho: UInt8 = 10, cookieAck: UInt8 = 11
        static let shutdownComplete: UInt8 = 14, reconfig: UInt8 = 130, forwardTSN: UInt8 = 192
    }

    /// Parses one chunk at the reader's position, consuming it and its padding.
    init(reading reader: inout ByteReader) throws(SCTPParseError) {
        let type = try reader.u8()
        let flags = try reader.u8()
        let length = Int(try reader.u16())
        guard length >= 4 else { throw .invalidLength("chunk type \(type) has length \(length), below 4") }
        let value = try reader.bytes(length - 4)
        reader.skipPadding(paddingToWord(length))
        try self.init(type: type, flags: flags, value: value)
    }

    /// Parses a chunk from its header fields and its value (without padding).
    init(type: UInt8, flags: UInt8, value: ArraySlice<UInt8>) throws(SCTPParseError) {
        switch type {
        case Kind.data: self = .data(try DataChunk(flags: flags, value: value))
        case Kind.initiation: self = .initiation(try InitChunk(value: value))
        case Kind.initiationAck: self = .initiationAck(try InitChunk(value: value))
        case Kind.sack: self = .sack(try SackChunk(value: value))
        case Kind.heartbeat: self = .heartbeat(info: value)
        case Kind.heartbeatAck: self = .heartbeatAck(info: value)
        case Kind.abort: self = .abort(AbortChunk(tagReflected: flags & 1 != 0, causes: try ErrorCause.list(value)))
        case Kind.shutdown:
            var reader = ByteReader(value)
            self = .shutdown(cumulativeTSNAck: try reader.u32())
        case Kind.shutdownAck: self = .shutdownAck
        case Kind.error: self = .error(causes: try ErrorCause.list(value))
        case Kind.cookieEcho: self = .cookieEcho(cookie: value)
        case Kind.cookieAck: self = .cookieAck
        case Kind.shutdownComplete: self = .shutdownComplete(tagReflected: flags & 1 != 0)
        case Kind.forwardTSN: self = .forwardTSN(try ForwardTSNChunk(value: value))
        case Kind.reconfig: self = .reconfig(try ReconfigChunk(value: value))
        default: self = .unknown(type: type, flags: flags, value: value)
        }
    }

    /// The chunk type byte.
    public var type: UInt8 {
        switch self {
        case .data: Kind.data
        case .initiation: Kind.initiation
        case .initiationAck: Kind.initiationAck
        case .sack: Kind.sack
        case .heartbeat: Kind.heartbeat
        case .heartbeatAck: Kind.heartbeatAck
        case .abort: Kind.abort
        case .shutdown: Kind.shutdown
        case .shutdownAck: Kind.shutdownAck
        case .error: Kind.error
        case .cookieEcho: Kind.cookieEcho
        case .cookieAck: Kind.cookieAck
        case .shutdownComplete: Kind.shutdownComplete
        case .forwardTSN: Kind.forwardTSN
        case .reconfig: Kind.reconfig
        case let .unknown(type, _, _): type
        }
    }

    private var flags: UInt8 {
        switch self {
        case let .data(chunk): chunk.flags
        case let .abort(chunk): chunk.tagReflected ? 1 : 0
        case let .shutdownComplete(tagReflected): tagReflected ? 1 : 0
        case let .unknown(_, flags, _): flags
        default: 0
        }
    }

    /// Length of the value, without the 4-byte header or padding.
    var valueSize: Int {
        switch self {
        case let .data(chunk): chunk.valueSize
        case let .initiation(chunk), let .initiationAck(chunk): chunk.valueSize
        case let .sack(chunk): chunk.valueSize
        case let .heartbeat(info), let .heartbeatAck(info): info.count
        case let .abort(chunk): chunk.causes.reduce(0) { $0 + $1.paddedSize }
        case .shutdown: 4
        case .shutdownAck, .cookieAck, .shutdownComplete: 0
        case let .error(causes): causes.reduce(0) { $0 + $1.paddedSize }
        case let .cookieEcho(cookie): cookie.count
        case let .forwardTSN(chunk): chunk.valueSize
        case let .reconfig(chunk): chunk.valueSize
        case let .unknown(_, _, value): value.count
        }
    }

    /// Bytes the chunk occupies in a packet, padding included.
    public var encodedSize: Int { let length = 4 + valueSize; return length + paddingToWord(length) }

    /// Writes the chunk, its header and its padding.
    public func encode(into writer: inout ByteWriter) {
        let length = 4 + valueSize
        writer.write(type)
        writer.write(flags)
        writer.write(UInt16(truncatingIfNeeded: length))
        switch self {
        case let .data(chunk): chunk.encodeValue(into: &writer)
        case let .initiation(chunk), let .initiationAck(chunk): chunk.encodeValue(into: &writer)
        case let .sack(chunk): chunk.encodeValue(into: &writer)
        case let .heartbeat(info), let .heartbeatAck(info): writer.write(bytes: info)
        case let .abort(chunk): for cause in chunk.causes { cause.encode(into: &writer) }
        case let .shutdown(cumulativeTSNAck): writer.write(cumulativeTSNAck)
        case .shutdownAck, .cookieAck, .shutdownComplete: break
        case let .error(causes): for cause in causes { cause.encode(into: &writer) }
        case let .cookieEcho(cookie): writer.write(bytes: cookie)
        case let .forwardTSN(chunk): chunk.encodeValue(into: &writer)
        case let .reconfig(chunk): chunk.encodeValue(into: &writer)
        case let .unknown(_, _, value): writer.write(bytes: value)
        }
        writer.writeZeros(paddingToWord(length))
    }
}

/// An ABORT chunk (RFC 9260 §3.3.7): the association ends now; the causes say why.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |    Type = 6   |  Reserved   |T|            Length             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     \                                                               \
///     /                   zero or more Error Causes                   /
///     \                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct AbortChunk: Equatable, Sendable {
    /// The T bit: the packet carries the sender's own verification tag (it had no TCB) instead of the receiver's.
    public var tagReflected: Bool
    /// Why the association was aborted.
    public var causes: [ErrorCause]

    /// An ABORT from its fields.
    public init(tagReflected: Bool = false, causes: [ErrorCause]) {
        self.tagReflected = tagReflected
        self.causes = causes
    }
}
