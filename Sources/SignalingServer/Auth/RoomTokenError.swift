/// Why a signed room token was not accepted; `description` is the CONNECT_ERROR message clients see.
public enum RoomTokenError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not three base64url parts of JSON (RFC 7519 section 7.2), or claims of the wrong type or missing.
    case malformed
    /// The HS256 signature does not match the server's secret.
    case badSignature
    /// `exp` has passed.
    case expired
    /// A claim has a value the server does not accept (an empty name, no rooms, an over-long room name).
    case invalidClaim(String)

    /// A sentence for the CONNECT_ERROR `message`.
    public var description: String {
        switch self {
        case .malformed: "invalid token: not a LinkUp room token (malformed JWT or missing name, rooms or exp)"
        case .badSignature: "invalid token: bad signature"
        case .expired: "invalid token: expired"
        case .invalidClaim(let what): "invalid token: \(what)"
        }
    }
}
