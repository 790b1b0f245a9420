import Wire

/// Settings of one SCTP association over DTLS and of its data channels.
///
/// The defaults suit WebRTC (RFC 8831): port 5000 on both sides (SDP's a=sctp-port), packets that fit a DTLS
/// record in a 1200-byte-safe UDP datagram, a generous receive window because bulk transfers are window-bound on
/// fast paths, and timers tuned for interactive use rather than RFC 9260's conservative Internet defaults.
public struct SCTPConfiguration: Sendable {
    /// Our SCTP port (a=sctp-port of our SDP).
    public var localPort: UInt16 = 5000
    /// The peer's SCTP port (a=sctp-port of its SDP).
    public var remotePort: UInt16 = 5000
    /// Largest SCTP packet we send, in bytes. It travels inside a DTLS record inside UDP, so 1200 keeps the
    /// datagram below common path MTUs (IPv6 minimum 1280 minus UDP, DTLS and tunnel overheads).
    public var mtu: Int = 1200
    /// Largest message we accept from the peer (our a=max-message-size); larger ones abort reassembly.
    public var maxMessageSize: Int = 256 * 1024
    /// Largest message the peer accepts (its a=max-message-size). 0 means unlimited (RFC 8841 §6); when the SDP
    /// has no attribute, RFC 8841 §6.1 says to assume 65536.
    public var remoteMaxMessageSize: Int = 65536
    /// Our advertised receive window (a_rwnd), bytes. Large, because a window-limited sender gets at most one
    /// window per round trip: 4 MiB over a 50 ms path allows ~670 Mbit/s.
    public var receiveWindow: Int = 4 * 1024 * 1024
    /// RTO.Initial (RFC 9260 §6.3.1, 1 s): the retransmission timeout before any round trip was measured.
    public var rtoInitial: Duration = .seconds(1)
    /// RTO.Min. RFC 9260 says 1 s, a value from dial-up days; WebRTC stacks use a few hundred milliseconds
    /// (dcsctp, usrsctp in Chromium) because a lost tail message otherwise stalls a channel for a second.
    /// 200 ms stays above LAN and loopback RTT + 4 × RTTVAR, so spurious timeouts stay rare.
    public var rtoMin: Duration = .milliseconds(200)
    /// RTO.Max. RFC 9260's 60 s would leave an association that survived an outage idle for up to a minute
    /// before its next retransmission; ICE consent (RFC 7675) already decides whether the path is dead, so
    /// backing off past 6 s only delays recovery.
    public var rtoMax: Duration = .seconds(6)
    /// Association.Max.Retrans (RFC 9260 §8.1, 10): consecutive timeouts before the association fails.
    public var maxRetransmissions: Int = 10
    /// Max.Init.Retransmits (RFC 9260 §5.1, 8): INIT and COOKIE ECHO retransmissions before giving up.
    public var maxInitRetransmissions: Int = 8
    /// How long a received packet may wait for its SACK (RFC 9260 §6.2: at most 500 ms; 200 ms as most stacks).
    public var delayedAckTimeout: Duration = .milliseconds(200)
    /// Interval between HEARTBEATs on an idle association, or nil for none: ICE consent freshness already checks
    /// the path (RFC 8831 §6.2 leaves heartbeats optional).
    public var heartbeatInterval: Duration? = nil
    /// Initial congestion window, in packets of `mtu` bytes. RFC 9260 §7.2.1 starts at ~3 packets; WebRTC stacks
    /// start at 10 (as TCP does since RFC 6928) so small bursts of messages go out in one round trip.
    public var initialCongestionWindowPackets: Int = 10
    /// How long a state cookie stays valid (RFC 9260 §5.1.3, Valid.Cookie.Life: 60 s).
    public var cookieLifetime: Duration = .seconds(60)

    /// The WebRTC defaults above.
    public init() {}
}
