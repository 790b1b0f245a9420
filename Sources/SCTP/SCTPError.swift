/// Why an SCTP association ended abnormally: what `DataChannelEvent.failed` carries.
public enum SCTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The peer sent ABORT; `reason` renders its error causes.
    case abortedByPeer(reason: String)
    /// This side aborted (the application asked, or a protocol violation was detected); `reason` says why.
    case abortedLocally(reason: String)
    /// INIT or COOKIE ECHO went unanswered `attempts` times (RFC 9260 §5.1, Max.Init.Retransmits).
    case handshakeTimedOut(attempts: Int)
    /// Data went unacknowledged through `attempts` consecutive retransmission timeouts (RFC 9260 §8.1,
    /// Association.Max.Retrans): the peer or the path is gone.
    case retransmissionLimitReached(attempts: Int)
    /// SHUTDOWN went unanswered too often (RFC 9260 §9.2); the association was closed without the peer's
    /// confirmation.
    case shutdownTimedOut

    /// A sentence for logs and users.
    public var description: String {
        switch self {
        case let .abortedByPeer(reason):
            return reason.isEmpty ? "The peer aborted the SCTP association." :
                "The peer aborted the SCTP association (\(reason))."
        case let .abortedLocally(reason): return "The SCTP association was aborted: \(reason)."
        case let .handshakeTimedOut(attempts):
            return "The SCTP handshake got no answer after \(attempts) attempts."
        case let .retransmissionLimitReached(attempts):
            return "The SCTP association failed: data went unacknowledged after \(attempts) retransmissions."
        case .shutdownTimedOut: return "The peer did not acknowledge the SCTP shutdown."
        }
    }
}
