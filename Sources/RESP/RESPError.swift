/// Why bytes are not a RESP3 value. The parser throws these instead of trapping on any input.
public enum RESPError: Error, Sendable, Equatable {
    /// An unknown type byte.
    case unknownType(UInt8)
    /// A length or integer that is not a decimal number in range.
    case badNumber
    /// A line or bulk string not terminated by CRLF.
    case missingCRLF
    /// A length beyond the parser's limits.
    case tooLarge
    /// Aggregates nested deeper than the parser allows.
    case tooDeep
    /// A boolean other than `t` or `f`, or a verbatim string without its `xxx:` format.
    case malformed
}
