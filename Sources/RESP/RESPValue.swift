/// A RESP3 value (https://github.com/redis/redis-specification/blob/master/protocol/RESP3.md).
public enum RESPValue: Sendable, Hashable {
    /// `+OK`: a simple string.
    case simpleString(String)
}
