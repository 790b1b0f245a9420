/// Why a Redis request failed.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection to the server right now (the client is reconnecting).
    case notConnected
    /// The connection was lost before the reply arrived.
    case connectionLost
    /// The server answered with an error reply.
    case server(String)
    /// The server sent bytes that are not RESP3.
    case protocolError(RESPError)
    /// The URL is not `redis://HOST[:PORT]`.
    case badURL(String)

    /// A sentence.
    public var description: String {
        switch self {
        case .notConnected: "not connected to Redis"
        case .connectionLost: "the connection to Redis was lost"
        case .server(let message): "Redis: \(message)"
        case .protocolError(let error): "Redis sent something that is not RESP3: \(error)"
        case .badURL(let url): "\"\(url)\" is not a URL like redis://127.0.0.1:6379"
        }
    }
}
