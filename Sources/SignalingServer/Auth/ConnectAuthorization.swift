/// What a CONNECT's `auth` entitles the connection to, decided before the hub sees the packet (a signed token's
/// check is asynchronous, the hub is not).
public enum ConnectAuthorization: Sendable, Equatable {
    /// Any room, under the name the client chooses (no token required, or the shared token).
    case anyRoom
    /// The rooms of a signed room token (`"*"`: any), under the token's name.
    case token(name: String, rooms: Set<String>)
    /// Refused: the CONNECT_ERROR `message` says why.
    case refused(String)

    /// Whether a `join` to `room` is allowed.
    public func allows(room: String) -> Bool {
        switch self {
        case .anyRoom: true
        case .token(_, let rooms): rooms.contains("*") || rooms.contains(room)
        case .refused: false
        }
    }

    /// The name a signed token imposes, if any.
    public var imposedName: String? {
        if case .token(let name, _) = self { return name }
        return nil
    }
}
