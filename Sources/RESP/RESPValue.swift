/// A RESP3 value (the Redis serialization protocol, version 3:
/// https://github.com/redis/redis-specification/blob/master/protocol/RESP3.md). RESP2 replies are a subset.
public enum RESPValue: Sendable, Hashable {
    /// `+OK`: a simple string.
    case simpleString(String)
    /// `-ERR ...`: a simple error (RESP2 and RESP3), or `!`: a blob error (RESP3).
    case error(String)
    /// `:42`: a signed 64-bit integer.
    case integer(Int64)
    /// `$5\r\nhello`: a binary-safe bulk string; `$-1` (RESP2) is `.null`.
    case bulkString([UInt8])
    /// `*2 ...`: an array; `*-1` (RESP2) is `.null`.
    case array([RESPValue])
    /// `_`: null (RESP3).
    case null
    /// `#t` / `#f` (RESP3).
    case boolean(Bool)
    /// `,1.5` (RESP3), including `inf`, `-inf` and `nan`.
    case double(Double)
    /// `(123...`: a big number, kept as its decimal text (RESP3).
    case bigNumber(String)
    /// `=15\r\ntxt:Some string`: verbatim string with its three-letter format (RESP3).
    case verbatimString(format: String, text: String)
    /// `%2 ...`: a map as ordered key-value pairs (RESP3).
    case map([RESPPair])
    /// `~2 ...`: a set, in wire order (RESP3).
    case set([RESPValue])
    /// `|1 ...`: attributes that precede the reply they describe (RESP3); the parser keeps them with that reply.
    indirect case attribute([RESPPair], RESPValue)
    /// `>3 ...`: an out-of-band push, such as a pub/sub message (RESP3).
    case push([RESPValue])

    /// The value as text: simple, bulk and verbatim strings (bulk strings decoded as UTF-8), and integers.
    public var string: String? {
        switch self {
        case .simpleString(let text), .bigNumber(let text): text
        case .bulkString(let bytes): String(decoding: bytes, as: UTF8.self)
        case .verbatimString(_, let text): text
        case .integer(let value): String(value)
        case .attribute(_, let value): value.string
        default: nil
        }
    }

    /// The value as an integer, when it is one.
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .attribute(_, let value): value.integer
        default: nil
        }
    }

    /// The elements of an array, set or push.
    public var elements: [RESPValue]? {
        switch self {
        case .array(let values), .set(let values), .push(let values): values
        case .attribute(_, let value): value.elements
        default: nil
        }
    }

    /// Whether this is an error reply.
    public var isError: Bool {
        if case .error = self { return true }
        return false
    }
}

/// One key-value pair of a RESP3 map or attribute.
public struct RESPPair: Sendable, Hashable {
    /// The key.
    public var key: RESPValue
    /// The value.
    public var value: RESPValue

    /// A pair.
    public init(_ key: RESPValue, _ value: RESPValue) {
        self.key = key
        self.value = value
    }
}
