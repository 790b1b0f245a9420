import Wire

/// Why `linkup serve`'s ICE server options cannot be used (`ICEServerOptions`); `description` is the sentence a
/// user sees, naming the option and the value at fault.
public enum ICEServerOptionsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An `--ice-server` value that is not a STUN or TURN URL.
    case invalidURL(String, ICEServerURLError)
    /// An `--ice-server turn:USER:PASS@HOST` value whose part before `@` is not `USER:PASS`.
    case invalidCredentials(String)
    /// A TURN URL without credentials, and neither `--turn-user` nor `--turn-secret` to give it some.
    case missingTURNCredentials(String)
    /// `--turn-user` is not `USER:PASS`.
    case invalidTURNUser
    /// `--turn-secret ""`.
    case emptySecret
    /// `--turn-ttl` below 1.
    case invalidTTL(Int)
    /// `--turn-ttl` without `--turn-secret`.
    case ttlWithoutSecret
    /// Both `--turn-user` and `--turn-secret`.
    case userAndSecret
    /// `--turn-secret` with no TURN URL to mint credentials for.
    case unusedSecret
    /// `--turn-user` with no TURN URL to give its credentials to.
    case unusedTURNUser

    /// The sentence a user sees.
    public var description: String {
        switch self {
        case let .invalidURL(argument, error):
            return "--ice-server \"\(argument)\": \(error)"
        case let .invalidCredentials(argument):
            return "--ice-server \"\(argument)\": the credentials before \"@\" must be USER:PASS, both non-empty"
        case let .missingTURNCredentials(argument):
            return "--ice-server \"\(argument)\": a TURN server needs credentials: add --turn-secret SECRET or "
                + "--turn-user USER:PASS, or write turn:USER:PASS@HOST"
        case .invalidTURNUser:
            return "--turn-user must be USER:PASS, both non-empty"
        case .emptySecret:
            return "--turn-secret must not be empty"
        case let .invalidTTL(ttl):
            return "--turn-ttl must be a positive number of seconds, not \(ttl)"
        case .ttlWithoutSecret:
            return "--turn-ttl only applies with --turn-secret"
        case .userAndSecret:
            return "--turn-user and --turn-secret cannot be combined: TURN credentials are either static or minted"
        case .unusedSecret:
            return "--turn-secret needs an --ice-server turn: or turns: URL without credentials of its own"
        case .unusedTURNUser:
            return "--turn-user needs an --ice-server turn: or turns: URL without credentials of its own"
        }
    }
}
