import Wire

/// Why a TURN allocation (or one of its permissions or channels) failed, with a sentence for the user
/// (RFC 8656 §7.4 and §18 list the error codes).
public struct TURNError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Hashable, Sendable {
        /// 401 again after credentials were sent: the username or password is wrong (or expired REST credentials).
        case unauthorized
        /// 403: the server refuses this request (policy, or a peer address it will not relay to).
        case forbidden
        /// 437: the server has no allocation for this 5-tuple (it restarted, or the allocation expired).
        case allocationMismatch
        /// 441: the credentials do not match the ones the allocation was made with.
        case wrongCredentials
        /// 442: the server does not relay this transport.
        case unsupportedTransport
        /// 486: the user has as many allocations as the server allows.
        case quotaReached
        /// 508: the server has no relay addresses left.
        case insufficientCapacity
        /// 300: the server redirects to another one, which LinkUp does not follow.
        case tryAlternate
        /// No answer from the server in time, or its connection could not be opened or closed.
        case serverUnreachable
        /// An error code without a case of its own, or a malformed answer.
        case other
    }

    /// The kind of failure.
    public var code: Code
    /// The STUN error code the server sent, if it sent one.
    public var stunCode: Int?
    /// A sentence saying what went wrong and what to check.
    public var message: String

    /// An error with every field given.
    public init(_ code: Code, stunCode: Int? = nil, _ message: String) {
        self.code = code
        self.stunCode = stunCode
        self.message = message
    }

    /// The error for a STUN error response to `what` (e.g. "Allocate") from `server`.
    static func response(_ error: STUNErrorCode, to what: String, server: String) -> TURNError {
        let said = "TURN server \(server) answered \(what) with \(error)"
        switch error.code {
        case 401:
            return TURNError(.unauthorized, stunCode: 401,
                             "\(said): the username or password is wrong, or the credentials have expired")
        case 403:
            return TURNError(.forbidden, stunCode: 403, "\(said): the server's policy forbids it")
        case 437:
            return TURNError(.allocationMismatch, stunCode: 437,
                             "\(said): it no longer has our allocation (did it restart?)")
        case 441:
            return TURNError(.wrongCredentials, stunCode: 441,
                             "\(said): the credentials differ from the ones the allocation was made with")
        case 442:
            return TURNError(.unsupportedTransport, stunCode: 442, "\(said): it does not relay UDP")
        case 486:
            return TURNError(.quotaReached, stunCode: 486,
                             "\(said): this user already has as many allocations as the server allows")
        case 508:
            return TURNError(.insufficientCapacity, stunCode: 508, "\(said): it has no relay addresses left")
        case 300:
            return TURNError(.tryAlternate, stunCode: 300,
                             "\(said): it redirects to another server, which LinkUp does not follow")
        default:
            return TURNError(.other, stunCode: error.code, said)
        }
    }

    /// The message.
    public var description: String { message }
}
