import Wire

/// A DATA chunk (RFC 9260 §3.3.1): one fragment of a user message on a stream.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |   Type = 0    |  Res  |I|U|B|E|            Length             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                              TSN                              |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |      Stream Identifier S      |   Stream Sequence Number n    |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                  Payload Protocol Identifier                  |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     \                                                               \
///     /                 User Data (seq n of Stream S)                 /
///     \                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct DataChunk: Equatable, Sendable {
    /// Transmission sequence number: per association, one per chunk.
    public var tsn: UInt32
    /// The stream the message belongs to (a data channel's id, RFC 8831 §6.5).
    public var stream: UInt16
    /// Per-stream sequence number of the message; meaningless when `unordered`.
    public var ssn: UInt16
    /// What the payload is (RFC 8831 §8: 50 DCEP, 51 string, 53 binary, 56/57 empty).
    public var ppid: UInt32
    /// U bit: deliver without waiting for earlier messages on the stream.
    public var unordered: Bool
    /// B bit: first fragment of its message.
    public var beginning: Bool
    /// E bit: last fragment of its message.
    public var ending: Bool
    /// I bit (RFC 7053): the sender asks for a SACK without delay.
    public var immediate: Bool
    /// The fragment's bytes, borrowed from the packet (or the sender's message) without copying.
    public var payload: ArraySlice<UInt8>

    /// A chunk from its fields.
    public init(tsn: UInt32, stream: UInt16, ssn: UInt16, ppid: UInt32, unordered: Bool = false,
                beginning: Bool = true, ending: Bool = true, immediate: Bool = false, payload: ArraySlice<UInt8>) {
        self.tsn = tsn
        self.stream = stream
        self.ssn = ssn
        self.ppid = ppid
        self.unordered = unordered
        self.beginning = beginning
        self.ending = ending
        self.immediate = immediate
        self.payload = payload
    }

    /// Parses the value after the chunk header.
    init(flags: UInt8, value: ArraySlice<UInt8>) throws(SCTPParseError) {
        var reader = ByteReader(value)
        tsn = try reader.u32()
        stream = try reader.u16()
        ssn = try reader.u16()
        ppid = try reader.u32()
        payload = reader.readRemaining()
        immediate = flags & 0x08 != 0
        unordered = flags & 0x04 != 0
        beginning = flags & 0x02 != 0
        ending = flags & 0x01 != 0
    }

    /// Size of the fixed fields before the user data.
    static let headerSize = 16

    var flags: UInt8 {
        (immediate ? 0x08 : 0) | (unordered ? 0x04 : 0) | (beginning ? 0x02 : 0) | (ending ? 0x01 : 0)
    }

    var valueSize: Int { 12 + payload.count }

    func encodeValue(into writer: inout ByteWriter) {
        writer.write(tsn)
        writer.write(stream)
        writer.write(ssn)
        writer.write(ppid)
        writer.write(bytes: payload)
    }
}
