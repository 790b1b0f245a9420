import Wire

/// ICE credentials: the username fragment and password a side announces in SDP (RFC 8839 §5.4).
public struct ICECredentials: Hashable, Sendable {
    /// `a=ice-ufrag`: at least 4 ice-chars.
    public var ufrag: String
    /// `a=ice-pwd`: at least 22 ice-chars; it keys MESSAGE-INTEGRITY of checks sent to this side.
    public var pwd: String

    /// Credentials as given (from SDP).
    public init(ufrag: String, pwd: String) {
        self.ufrag = ufrag
        self.pwd = pwd
    }

    /// ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4).
    static let iceCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// Fresh credentials: 8-character ufrag and 24-character password (more than the 24 and 128 bits of randomness
    /// RFC 8445 §5.3 asks for), drawn from `generator`.
    public static func random(using generator: inout some RandomNumberGenerator) -> ICECredentials {
        func draw(_ count: Int) -> String {
            String((0..<count).map { _ in iceCharacters[Int.random(in: 0..<iceCharacters.count, using: &generator)] })
        }
        return ICECredentials(ufrag: draw(8), pwd: draw(24))
    }
}

/// Which side of the ICE session decides on nomination (RFC 8445 §6.1.1).
public enum ICERole: String, Hashable, Sendable {
    /// Nominates the pair (the offerer, for a full-ICE pair of agents).
    case controlling
    /// Follows the controlling agent's nomination.
    case controlled
}

/// The connection state of the agent, as RTCIceConnectionState names it.
public enum ICEConnectionState: String, Hashable, Sendable {
    /// Nothing to check yet.
    case new
    /// Checks are running; no pair works yet.
    case checking
    /// A pair works (media may flow); nomination may still change it.
    case connected
    /// A nominated pair is selected and checks are over.
    case completed
    /// No response on the selected pair for a while; consent has not expired yet.
    case disconnected
    /// Every pair failed, or consent expired (RFC 7675 §5.1).
    case failed
    /// The agent was closed.
    case closed
}
