/// The direction attribute of a media section or an extmap (RFC 8866 §6.7, RFC 8829 §5.2.2): `a=sendrecv`,
/// `a=sendonly`, `a=recvonly` or `a=inactive`.
public enum MediaDirection: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Sends and receives; the default when no direction attribute is present.
    case sendrecv
    /// Only sends.
    case sendonly
    /// Only receives.
    case recvonly
    /// Neither sends nor receives.
    case inactive

    /// True for sendrecv and sendonly.
    public var sends: Bool { self == .sendrecv || self == .sendonly }
    /// True for sendrecv and recvonly.
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The direction with `sends` and `receives` given.
    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    /// The direction as the other side sees it: sendonly becomes recvonly (RFC 8829 §5.3.1 answers).
    public var reversed: MediaDirection { MediaDirection(sends: receives, receives: sends) }

    /// The attribute name.
    public var description: String { rawValue }
}
