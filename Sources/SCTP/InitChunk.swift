import Wire

/// An INIT or INIT ACK chunk (RFC 9260 §3.3.2, §3.3.3): the two share this layout.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  Type = 1 / 2 |  Chunk Flags  |      Chunk Length             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                         Initiate Tag                          |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |          Advertised Receiver Window Credit (a_rwnd)           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  Number of Outbound Streams   |   Number of Inbound Streams   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                          Initial TSN                          |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     \                                                               \
///     /              Optional/Variable-Length Parameters              /
///     \                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct InitChunk: Equatable, Sendable {
    /// The tag the receiver must put in every packet it sends to this endpoint.
    public var initiateTag: UInt32
    /// The sender's receive buffer, in bytes.
    public var advertisedReceiverWindow: UInt32
    /// Streams the sender wants to send on.
    public var outboundStreams: UInt16
    /// Streams the sender accepts.
    public var inboundStreams: UInt16
    /// The first TSN the sender will use.
    public var initialTSN: UInt32
    /// Optional parameters, in order.
    public var parameters: [InitParameter]

    /// A chunk from its fields.
    public init(initiateTag: UInt32, advertisedReceiverWindow: UInt32, outboundStreams: UInt16,
                inboundStreams: UInt16, initialTSN: UInt32, parameters: [InitParameter] = []) {
        self.initiateTag = initiateTag
        self.advertisedReceiverWindow = advertisedReceiverWindow
        self.outboundStreams = outboundStreams
        self.inboundStreams = inboundStreams
        self.initialTSN = initialTSN
        self.parameters = parameters
    }

    init(value: ArraySlice<UInt8>) throws(SCTPParseError) {
        var reader = ByteReader(value)
        initiateTag = try reader.u32()
        advertisedReceiverWindow = try reader.u32()
        outboundStreams = try reader.u16()
        inboundStreams = try reader.u16()
        initialTSN = try reader.u32()
        parameters = []
        while !reader.isAtEnd { parameters.append(try InitParameter(reading: &reader)) }
    }

    /// The state cookie parameter's bytes, if present (INIT ACK).
    public var stateCookie: ArraySlice<UInt8>? {
        for case let .stateCookie(cookie) in parameters { return cookie }
        return nil
    }

    /// True when the sender supports PR-SCTP: it sent Forward-TSN-Supported or listed FORWARD TSN as an extension.
    public var supportsForwardTSN: Bool {
        parameters.contains {
            switch $0 {
            case .forwardTSNSupported: true
            case let .supportedExtensions(types): types.contains(SCTPChunk.Kind.forwardTSN)
            default: false
            }
        }
    }

    /// True when the sender listed RE-CONFIG among its supported extensions (RFC 6525 §4).
    public var supportsReconfig: Bool {
        parameters.contains {
            if case let .supportedExtensions(types) = $0 { types.contains(SCTPChunk.Kind.reconfig) } else { false }
        }
    }

    var valueSize: Int { 16 + parameters.reduce(0) { $0 + $1.encodedSize } }

    func encodeValue(into writer: inout ByteWriter) {
        writer.write(initiateTag)
        writer.write(advertisedReceiverWindow)
        writer.write(outboundStreams)
        writer.write(inboundStreams)
        writer.write(initialTSN)
        for parameter in parameters { parameter.encode(into: &writer) }
    }
}
