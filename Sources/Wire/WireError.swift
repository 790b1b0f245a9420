/// Why a wire format could not be read. Every parser in LinkUp reports short or malformed input with a typed error
/// instead of trapping (ARCHITECTURE.md, house rule 1).
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended `needed` bytes too early at byte offset `offset`.
    case truncated(offset: Int, needed: Int, available: Int)
    /// A value at `offset` is not allowed by the format.
    case invalidValue(offset: Int, reason: String)

    /// A sentence for logs and users.
    public var description: String {
        switch self {
        case let .truncated(offset, needed, available):
            return "input ends early at byte \(offset): needed \(needed) more byte(s), only \(available) left"
        case let .invalidValue(offset, reason):
            return "invalid value at byte \(offset): \(reason)"
        }
    }
}
