import Wire

/// A RE-CONFIG chunk (RFC 6525 §3.1): one or two re-configuration parameters.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     | Type = 130    |  Chunk Flags  |      Chunk Length             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     \                                                               \
///     /                  Re-configuration Parameter                   /
///     \                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     \                                                               \
///     /             Re-configuration Parameter (optional)             /
///     \                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct ReconfigChunk: Equatable, Sendable {
    /// The parameters, in order.
    public var parameters: [ReconfigParameter]

    /// A chunk from its parameters.
    public init(parameters: [ReconfigParameter]) { self.parameters = parameters }

    init(value: ArraySlice<UInt8>) throws(SCTPParseError) {
        var reader = ByteReader(value)
        parameters = []
        while !reader.isAtEnd { parameters.append(try ReconfigParameter(reading: &reader)) }
    }

    var valueSize: Int { parameters.reduce(0) { $0 + $1.encodedSize } }

    func encodeValue(into writer: inout ByteWriter) {
        for parameter in parameters { parameter.encode(into: &writer) }
    }
}

/// A re-configuration parameter (RFC 6525 §4). Outgoing SSN Reset Request (type 13, §4.1):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |     Parameter Type = 13       | Parameter Length = 16 + 2 * N |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |           Re-configuration Request Sequence Number            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |           Re-configuration Response Sequence Number           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                Sender's Last Assigned TSN                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// Re-configuration Response (type 16, §4.4):
///
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |     Parameter Type = 16       |      Parameter Length         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |         Re-configuration Response Sequence Number             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                            Result                             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                   Sender's Next TSN (optional)                |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                  Receiver's Next TSN (optional)               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public enum ReconfigParameter: Equatable, Sendable {
    /// Outgoing SSN Reset Request: the sender resets its outgoing side of `streams` (all when empty) once the
    /// receiver has everything up to `lastAssignedTSN`.
    case outgoingReset(requestSequence: UInt32, responseSequence: UInt32, lastAssignedTSN: UInt32, streams: [UInt16])
    /// Re-configuration Response to request `responseSequence`; `nextTSNs` is only present after a TSN reset.
    case response(responseSequence: UInt32, result: UInt32, nextTSNs: (sender: UInt32, receiver: UInt32)?)
    /// Any other parameter (incoming reset, TSN reset, add streams), kept as bytes.
    case unknown(type: UInt16, value: ArraySlice<UInt8>)

    static let outgoingResetType: UInt16 = 13
    static let responseType: UInt16 = 16

    /// Result codes (RFC 6525 §4.4).
    public enum Result {
        /// Success - Nothing to do.
        public static let nothingToDo: UInt32 = 0
        /// Success - Performed.
        public static let performed: UInt32 = 1
        /// Denied.
        public static let denied: UInt32 = 2
        /// Error - Wrong SSN.
        public static let wrongSSN: UInt32 = 3
        /// Error - Request already in progress.
        public static let requestInProgress: UInt32 = 4
        /// Error - Bad Sequence Number.
        public static let badSequenceNumber: UInt32 = 5
        /// In progress: the receiver still waits for data up to the request's last assigned TSN.
        public static let inProgress: UInt32 = 6
    }

    init(reading reader: inout ByteReader) throws(SCTPParseError) {
        let type = try reader.u16()
        let length = Int(try reader.u16())
        guard length >= 4 else { throw .invalidLength("re-config parameter \(type) has length \(length), below 4") }
        var value = ByteReader(try reader.bytes(length - 4))
        reader.skipPadding(paddingToWord(length))
        switch type {
        case Self.outgoingResetType:
            let request = try value.u32(), response = try value.u32(), last = try value.u32()
            guard value.remaining % 2 == 0 else { throw .invalidLength("odd stream list in outgoing reset request") }
            var streams: [UInt16] = []
            while !value.isAtEnd { streams.append(try value.u16()) }
            self = .outgoingReset(requestSequence: request, responseSequence: response, lastAssignedTSN: last,
                                  streams: streams)
        case Self.responseType:
            let sequence = try value.u32(), result = try value.u32()
            switch value.remaining {
            case 0: self = .response(responseSequence: sequence, result: result, nextTSNs: nil)
            case 8: self = .response(responseSequence: sequence, result: result,
                                     nextTSNs: (try value.u32(), try value.u32()))
            default: throw .invalidLength("re-config response with \(value.remaining) trailing bytes")
            }
        default:
            self = .unknown(type: type, value: value.readRemaining())
        }
    }

    private var valueSize: Int {
        switch self {
        case let .outgoingReset(_, _, _, streams): 12 + 2 * streams.count
        case let .response(_, _, nextTSNs): nextTSNs == nil ? 8 : 16
        case let .unknown(_, value): value.count
        }
    }

    var encodedSize: Int { let length = 4 + valueSize; return length + paddingToWord(length) }

    func encode(into writer: inout ByteWriter) {
        let length = 4 + valueSize
        switch self {
        case let .outgoingReset(request, response, last, streams):
            writer.write(Self.outgoingResetType)
            writer.write(UInt16(truncatingIfNeeded: length))
            writer.write(request)
            writer.write(response)
            writer.write(last)
            for stream in streams { writer.write(stream) }
        case let .response(sequence, result, nextTSNs):
            writer.write(Self.responseType)
            writer.write(UInt16(truncatingIfNeeded: length))
            writer.write(sequence)
            writer.write(result)
            if let nextTSNs {
                writer.write(nextTSNs.sender)
                writer.write(nextTSNs.receiver)
            }
        case let .unknown(type, value):
            writer.write(type)
            writer.write(UInt16(truncatingIfNeeded: length))
            writer.write(bytes: value)
        }
        writer.writeZeros(paddingToWord(length))
    }

    /// Tuples are not Equatable, so the response case is compared field by field.
    public static func == (lhs: ReconfigParameter, rhs: ReconfigParameter) -> Bool {
        switch (lhs, rhs) {
        case let (.outgoingReset(a1, b1, c1, d1), .outgoingReset(a2, b2, c2, d2)):
            a1 == a2 && b1 == b2 && c1 == c2 && d1 == d2
        case let (.response(a1, b1, n1), .response(a2, b2, n2)):
            a1 == a2 && b1 == b2 && n1?.sender == n2?.sender && n1?.receiver == n2?.receiver
        case let (.unknown(t1, v1), .unknown(t2, v2)): t1 == t2 && v1 == v2
        default: false
        }
    }
}
