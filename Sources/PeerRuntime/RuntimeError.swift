/// An error of the runtime's I/O, with a sentence for the user and the underlying cause (usually a NIO `IOError`).
public struct RuntimeError: Error, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Hashable {
        /// A socket could not be bound on the requested address.
        case bindFailed
        /// The address cannot be used for a UDP socket (wrong length, unsupported family).
        case invalidAddress
        /// The runtime was closed.
        case closed
        /// The host's interfaces could not be listed.
        case interfaceEnumerationFailed
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence saying what went wrong.
    public var message: String
    /// The error that caused it, if any.
    public var underlying: (any Error)?

    /// An error with every field given.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message, followed by the cause when there is one.
    public var description: String {
        guard let underlying else { return message }
        return "\(message): \(underlying)"
    }
}
