/// Why JSON text did not parse. `offset` is the byte offset in the UTF-8 input where the problem was found.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem.
    public enum Kind: Equatable, Sendable {
        /// The input ended inside a value.
        case unexpectedEnd
        /// A byte that cannot start or continue the value here.
        case unexpectedByte(UInt8)
        /// A number that is malformed or too large for a finite `Double`.
        case invalidNumber
        /// A bad escape sequence or a control character inside a string.
        case invalidString
        /// Bytes that are not UTF-8.
        case invalidUTF8
        /// Arrays and objects nested deeper than `JSONParser.maximumDepth`.
        case tooDeep
        /// Something follows the value.
        case trailingData
    }

    /// What kind of problem.
    public var kind: Kind
    /// The byte offset where it was found.
    public var offset: Int

    /// A JSON error.
    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// A short human-readable explanation.
    public var description: String { "invalid JSON at byte \(offset): \(kind)" }
}
