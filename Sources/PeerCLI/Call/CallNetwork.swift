import ICE
import Wire

/// Where a call leg's media may go: the local addresses to bind, the STUN/TURN servers to gather candidates from,
/// the relay-only policy, and an extra certificate authority for `turns:` servers.
struct CallNetwork: Sendable {
    /// Local IP addresses to bind; nil for every up interface (loopback included).
    var addresses: [IPAddress]?
    /// STUN and TURN servers, resolved.
    var iceServers: [ICEServerEndpoint] = []
    /// Announce and use relayed candidates only.
    var relayOnly = false
    /// A PEM file of certificate authorities trusted for TLS to TURN servers, besides the system's.
    var caFile: String?
}
