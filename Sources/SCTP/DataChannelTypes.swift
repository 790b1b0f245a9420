/// How a data channel is created (the RTCDataChannelInit dictionary of the W3C API, RFC 8832 §5.1).
public struct DataChannelOptions: Sendable, Hashable {
    /// The channel's name, sent in DATA_CHANNEL_OPEN.
    public var label: String
    /// The subprotocol name, sent in DATA_CHANNEL_OPEN.
    public var `protocol`: String
    /// Whether messages arrive in the order sent.
    public var ordered: Bool
    /// Partial reliability: how often a message is retransmitted before it is given up (0 = sent once).
    public var maxRetransmits: UInt16?
    /// Partial reliability: how long, in milliseconds, a message is retransmitted before it is given up.
    public var maxPacketLifeTime: UInt16?
    /// True when both sides create the channel themselves with the same `id` (no DATA_CHANNEL_OPEN).
    public var negotiated: Bool
    /// The stream id; required when `negotiated`, otherwise chosen by the transport when nil.
    public var id: UInt16?
    /// Priority sent in DATA_CHANNEL_OPEN (RFC 8832 §5.1; 256 is "normal").
    public var priority: UInt16

    /// Options with the W3C defaults: reliable, ordered, in-band negotiation.
    public init(label: String, protocol: String = "", ordered: Bool = true, maxRetransmits: UInt16? = nil,
                maxPacketLifeTime: UInt16? = nil, negotiated: Bool = false, id: UInt16? = nil,
                priority: UInt16 = 256) {
        self.label = label
        self.protocol = `protocol`
        self.ordered = ordered
        self.maxRetransmits = maxRetransmits
        self.maxPacketLifeTime = maxPacketLifeTime
        self.negotiated = negotiated
        self.id = id
        self.priority = priority
    }
}

/// One data channel message. Empty ones travel as PPID 56/57 with a single zero byte (RFC 8831 §6.6).
public enum DataChannelMessage: Sendable, Hashable {
    /// A UTF-8 string (PPID 51, or 56 when empty).
    case text(String)
    /// Bytes (PPID 53, or 57 when empty).
    case binary([UInt8])

    /// Bytes of payload as counted by `bufferedAmount`.
    public var byteCount: Int {
        switch self {
        case let .text(text): text.utf8.count
        case let .binary(bytes): bytes.count
        }
    }
}

/// Where a data channel is in its life (the W3C RTCDataChannelState).
public enum DataChannelState: Sendable, Hashable {
    /// Created; the association is not up yet or the OPEN has not gone out.
    case connecting
    /// Messages can be sent and arrive.
    case open
    /// A stream reset is under way (RFC 8831 §6.7).
    case closing
    /// Both directions of the stream are reset, or the association is gone.
    case closed
}

/// What the data channel layer tells its owner.
public enum DataChannelEvent: Sendable {
    /// The SCTP association is up.
    case connected
    /// A channel opened: `remotelyCreated` when the peer's DATA_CHANNEL_OPEN created it; locally created
    /// channels open once the association is up (their OPEN sent) or, when negotiated, as soon as it is up.
    case opened(id: UInt16, label: String, protocol: String, remotelyCreated: Bool)
    /// A message arrived on channel `id`.
    case message(id: UInt16, DataChannelMessage)
    /// The channel's buffered amount fell to or below its threshold.
    case bufferedAmountLow(id: UInt16)
    /// The channel is closed on both sides (its stream reset in both directions).
    case closed(id: UInt16)
    /// The association was aborted or died; every channel is closed.
    case failed(SCTPError)
}

/// One output of `DataChannelTransport.pollOutput()`.
public enum DataChannelOutput: Sendable {
    /// One SCTP packet to send as one DTLS application-data record.
    case transmit([UInt8])
    /// Something for the application.
    case event(DataChannelEvent)
}

/// A snapshot of one data channel.
public struct DataChannelInfo: Sendable, Hashable {
    /// The stream id.
    public var id: UInt16
    /// The options it was created with (for remote channels, as read from DATA_CHANNEL_OPEN).
    public var options: DataChannelOptions
    /// Where the channel is in its life.
    public var state: DataChannelState
    /// True when the peer created it.
    public var remotelyCreated: Bool
    /// Messages accepted by `send`.
    public var messagesSent: Int
    /// Payload bytes accepted by `send`.
    public var bytesSent: Int
    /// Messages delivered.
    public var messagesReceived: Int
    /// Payload bytes delivered.
    public var bytesReceived: Int
    /// Bytes sent and not yet acknowledged or abandoned.
    public var bufferedAmount: Int
    /// The threshold below which `bufferedAmountLow` fires.
    public var bufferedAmountLowThreshold: Int

    /// The channel's label.
    public var label: String { options.label }
    /// The channel's subprotocol.
    public var `protocol`: String { options.protocol }
}

/// Why a data channel call was refused.
public enum DataChannelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No channel has this id.
    case unknownChannel(UInt16)
    /// The channel is closing or closed.
    case channelClosed(UInt16)
    /// The message is larger than the peer accepts (its a=max-message-size).
    case messageTooLarge(size: Int, limit: Int)
    /// The requested id is already used by another channel.
    case idInUse(UInt16)
    /// A negotiated channel needs an explicit id.
    case negotiatedWithoutID
    /// maxRetransmits and maxPacketLifeTime were both set (W3C: at most one).
    case conflictingReliability
    /// Every stream id of our parity is in use, or the id is above what the association negotiated.
    case noStreamAvailable
    /// The association has ended (shut down, aborted or failed).
    case associationClosed

    /// A sentence for logs and users.
    public var description: String {
        switch self {
        case let .unknownChannel(id): return "There is no data channel with id \(id)."
        case let .channelClosed(id): return "Data channel \(id) is closing or closed."
        case let .messageTooLarge(size, limit):
            return "The message has \(size) bytes; the peer accepts at most \(limit)."
        case let .idInUse(id): return "Data channel id \(id) is already in use."
        case .negotiatedWithoutID: return "A negotiated data channel needs an id."
        case .conflictingReliability: return "A data channel takes maxRetransmits or maxPacketLifeTime, not both."
        case .noStreamAvailable: return "No SCTP stream is free for another data channel."
        case .associationClosed: return "The SCTP association has ended."
        }
    }
}
