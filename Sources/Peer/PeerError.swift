/// Everything that can go wrong in a `Peer`, as one public error: a code to switch on, a sentence for people, and the
/// underlying error of the layer that failed, when there is one (ARCHITECTURE.md, house rule 5).
public struct PeerError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// A description could not be parsed or does not fit the negotiation (bad SDP, missing ICE credentials).
        case invalidDescription
        /// A call came in the wrong signaling state (an answer without an offer, ...).
        case invalidState
        /// Nothing in the remote description can be used (no common codec, no BUNDLE, no rtcp-mux).
        case incompatible
        /// ICE found no working path, or consent was lost.
        case iceFailed
        /// The DTLS handshake failed, or the peer's certificate does not match its SDP fingerprint.
        case dtlsFailed
        /// SRTP could not be set up or refused a packet.
        case srtpFailed
        /// The media section named does not exist or cannot send.
        case unknownTransceiver
        /// A data channel could not be opened or written (no association yet, closed channel, message too big).
        case dataChannelFailed
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence that says what happened and, where it helps, what to do.
    public var message: String
    /// The lower layer's error, as text (its type is not public API of `Peer`).
    public var underlying: String?

    /// An error with a code, a sentence and an optional cause.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying.map { String(describing: $0) }
    }

    /// The sentence, with the cause after it.
    public var description: String {
        underlying.map { "\(message) (\($0))" } ?? message
    }
}
