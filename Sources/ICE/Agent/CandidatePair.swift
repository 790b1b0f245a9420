import Wire

/// The state of a candidate pair in the checklist (RFC 8445 §6.1.2.6).
public enum CandidatePairState: String, Hashable, Sendable {
    /// Waits for another pair of its foundation to succeed before it is checked.
    case frozen
    /// Will be checked when its turn comes.
    case waiting
    /// A check is outstanding.
    case inProgress
    /// A check succeeded: the pair is valid.
    case succeeded
    /// Its check failed or timed out.
    case failed
}

/// A local candidate paired with a remote one: the unit ICE checks and finally selects (RFC 8445 §6.1.2).
public struct CandidatePair: Hashable, Sendable, CustomStringConvertible {
    /// The local candidate; media is sent from its `base`.
    public var local: Candidate
    /// The remote candidate; media is sent to its `address`.
    public var remote: Candidate
    /// Where the pair is in the checklist.
    public var state: CandidatePairState = .frozen
    /// Set when the pair has been nominated (RFC 8445 §8.1.1): the pair media flows on.
    public var nominated = false

    /// A new, frozen pair.
    public init(local: Candidate, remote: Candidate) {
        self.local = local
        self.remote = remote
    }

    /// The pair priority of RFC 8445 §6.1.2.3: 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0), where G is the controlling
    /// agent's candidate priority and D the controlled agent's.
    public func priority(localIsControlling: Bool) -> UInt64 {
        let g = UInt64(localIsControlling ? local.priority : remote.priority)
        let d = UInt64(localIsControlling ? remote.priority : local.priority)
        return (min(g, d) << 32) + 2 * max(g, d) + (g > d ? 1 : 0)
    }

    /// Pairs are the same pair when they join the same base and remote address.
    public var key: PairKey { PairKey(localBase: local.base, remote: remote.address) }

    /// `host 127.0.0.1:5000 -> host 127.0.0.1:6000 (succeeded)`.
    public var description: String {
        "\(local.type.rawValue) \(local.base) -> \(remote.type.rawValue) \(remote.address) (\(state.rawValue)\(nominated ? ", nominated" : ""))"
    }
}

/// What identifies a pair on the wire: the local socket and the remote transport address.
public struct PairKey: Hashable, Sendable {
    /// The local base the pair sends from.
    public var localBase: TransportAddress
    /// The remote address it sends to.
    public var remote: TransportAddress
}
