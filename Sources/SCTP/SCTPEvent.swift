/// What an `SCTPAssociation` tells its owner (the data channel layer).
public enum SCTPEvent: Sendable {
    /// The association is up (COOKIE ECHO accepted or COOKIE ACK received).
    case established
    /// A complete message arrived.
    case message(stream: UInt16, ppid: UInt32, payload: [UInt8])
    /// Bytes of `stream` were acknowledged or abandoned: its buffered amount fell.
    case bufferedAmountDecreased(stream: UInt16)
    /// The peer reset these incoming streams of ours (its outgoing side; RFC 6525 §5.2.2): their SSNs restart.
    case incomingStreamsReset([UInt16])
    /// Our outgoing reset of these streams was performed by the peer (RFC 6525 §5.2.1).
    case outgoingStreamsReset([UInt16])
    /// The graceful shutdown finished (RFC 9260 §9.2).
    case closed
    /// The association ended abnormally.
    case failed(SCTPError)
}

/// How one message is sent: ordering and partial reliability (RFC 3758).
public struct SCTPSendOptions: Sendable, Hashable {
    /// False for the U bit: deliver as soon as it is whole.
    public var ordered: Bool
    /// Retransmissions before the message is abandoned; nil for unlimited.
    public var maxRetransmits: UInt16?
    /// Time after `send` at which the message is abandoned; nil for never.
    public var lifetime: Duration?

    /// Options from their fields; the defaults are reliable and ordered.
    public init(ordered: Bool = true, maxRetransmits: UInt16? = nil, lifetime: Duration? = nil) {
        self.ordered = ordered
        self.maxRetransmits = maxRetransmits
        self.lifetime = lifetime
    }
}
