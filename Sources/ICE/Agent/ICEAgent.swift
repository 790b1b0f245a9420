import Wire

/// A full ICE agent (RFC 8445) for one data stream with one component (BUNDLE + rtcp-mux), as a sans-IO state
/// machine: the runtime adds local host candidates for the sockets it opened, passes every STUN datagram that arrives
/// on them to `handle(_:now:)`, calls `handleTimeout(now:)` at `nextDeadline()`, and sends what `pollOutput()` returns.
///
/// It runs connectivity checks with pacing and retransmission, handles both roles with tie-breaker and role-conflict
/// (487) repair, regular nomination (as controlling) and following nomination (as controlled), learns
/// peer-reflexive candidates, trickles in both directions, and keeps the selected pair alive with consent freshness
/// (RFC 7675): 30 seconds without a response fails the connection.
public struct ICEAgent {
    /// Tunables; the defaults suit real networks and browsers.
    public struct Configuration: Sendable {
        /// The role the agent starts with (the offerer is controlling in WebRTC).
        public var role: ICERole
        /// Ta: the pacing between two new checks (RFC 8445 §14.2 allows 5 ms and up). 20 ms, as aiortc paces: a
        /// call through NATs tries its host pairs (which cannot work there) before the relay, one per Ta.
        public var checkPacing: Duration = .milliseconds(20)
        /// The first retransmission timeout of a check; it doubles up to `maximumRetransmissionTimeout`.
        public var initialRetransmissionTimeout: Duration = .milliseconds(250)
        /// The cap on a check's retransmission timeout.
        public var maximumRetransmissionTimeout: Duration = .seconds(3)
        /// Rc: how many times a check is sent before its pair fails (RFC 8489 §6.2.1).
        public var maximumTransmissions = 7
        /// How long the controlling agent waits after the first valid pair for a better one before nominating.
        public var nominationDelay: Duration = .milliseconds(100)
        /// Consent checks on the selected pair are sent this often, randomized by ±20% (RFC 7675 §5.1).
        public var consentInterval: Duration = .seconds(5)
        /// Consent expires, and the agent fails, this long after the last response (RFC 7675 §5.1).
        public var consentTimeout: Duration = .seconds(30)
        /// The agent reports `disconnected` after this long without a response on the selected pair.
        public var disconnectedTimeout: Duration = .seconds(10)
        /// It reports `disconnected` sooner when one consent check has gone this long unanswered, retransmissions
        /// included: a broken path is then noticed within about one consent interval plus this, not 10 s.
        public var consentUnansweredTimeout: Duration = .milliseconds(2_500)
        /// With no valid pair this long after checks start, the agent fails.
        public var connectTimeout: Duration = .seconds(30)
        /// At most this many pairs are kept in the checklist (RFC 8445 §6.1.2.5).
        public var maximumPairs = 100
        /// The "relay" ICE transport policy (W3C `iceTransportPolicy`): only relayed candidates are announced and
        /// paired, so media always crosses the TURN server and the peer never learns this host's addresses.
        public var relayOnly = false
        /// Gathering is declared complete (end-of-candidates) at most this long after `gather(from:now:)`, even if
        /// a STUN or TURN server has not answered yet; a late candidate is still trickled.
        public var gatheringTimeout: Duration = .seconds(5)
        /// The first retransmission timeout of a Binding request to a STUN server; it doubles after each one.
        public var stunRetransmissionTimeout: Duration = .milliseconds(250)
        /// How many Binding requests go to a STUN server before it counts as unreachable.
        public var stunMaximumTransmissions = 5
        /// Timers of the TURN allocations.
        public var turn = TURNClient.Configuration()

        /// Defaults for `role`.
        public init(role: ICERole) { self.role = role }
    }

    /// What the agent reports.
    public enum Event: Hashable, Sendable {
        /// A local candidate to signal to the peer (trickle ICE).
        case localCandidate(Candidate)
        /// All local candidates have been announced (send end-of-candidates).
        case gatheringComplete
        /// The connection state changed.
        case stateChanged(ICEConnectionState)
        /// Media should now flow on this pair.
        case selectedPairChanged(CandidatePair)
        /// The role changed after a role conflict (RFC 8445 §7.3.1.1).
        case roleChanged(ICERole)
        /// A STUN or TURN server could not be used (or stopped working); the sentence says which and why.
        case serverError(String)
    }

    /// One thing for the runtime to do.
    public enum Output: Hashable, Sendable {
        /// Send this datagram.
        case transmit(Datagram)
        /// Tell the owner this.
        case event(Event)
        /// Open, write to or close a TCP/TLS connection to a TURN server.
        case stream(StreamCommand)
    }

    var configuration: Configuration
    var random: any RandomNumberGenerator
    /// This side's credentials; checks sent to us are keyed with `localCredentials.pwd`. An ICE restart draws
    /// new ones.
    public internal(set) var localCredentials: ICECredentials
    /// The peer's credentials, once known from its SDP.
    public private(set) var remoteCredentials: ICECredentials?
    /// The current role.
    public internal(set) var role: ICERole
    /// The 64-bit tie-breaker of RFC 8445 §7.1.1 (ICE-CONTROLLING / ICE-CONTROLLED).
    public let tieBreaker: UInt64
    /// The connection state.
    public internal(set) var state: ICEConnectionState = .new
    /// Why the agent failed, in a sentence, once it has.
    public internal(set) var failureReason: String?

    /// Local candidates, host ones first, in the order added.
    public internal(set) var localCandidates: [Candidate] = []
    /// Remote candidates, signalled or peer-reflexive.
    public internal(set) var remoteCandidates: [Candidate] = []
    /// True once the peer has signalled end-of-candidates.
    public internal(set) var remoteGatheringComplete = false
    /// The checklist, highest priority first.
    public internal(set) var pairs: [CandidatePair] = []
    /// The pair media flows on, if any.
    public internal(set) var selectedPair: CandidatePair?

    var outputs = OutputQueue<Output>()
    var triggeredQueue: [PairKey] = []
    var transactions: [[UInt8]: Transaction] = [:]
    var nominateOnSuccess: Set<PairKey> = []
    var nominationPending: PairKey?
    var lastCheckSentAt: Instant?
    var firstCheckAt: Instant?
    var firstValidAt: Instant?
    var lastConsentResponse: Instant?
    var nextConsentAt: Instant?
    var gathering = Gathering()
    /// How many times ICE was restarted (for stats).
    public internal(set) var restartCount = 0
    /// True once `finishGathering()` was called: every local candidate has been announced.
    public internal(set) var localGatheringComplete = false

    /// A check (or consent request) waiting for its response.
    struct Transaction {
        var pair: PairKey
        var bytes: [UInt8]
        var useCandidate: Bool
        var isConsent: Bool
        var transmissions: Int
        var timeout: Duration
        var retransmitAt: Instant
        /// When the check was first sent (retransmissions keep its transaction).
        var firstSentAt: Instant
    }

    /// A new agent with fresh credentials and tie-breaker drawn from `random`.
    public init(configuration: Configuration, random: any RandomNumberGenerator,
                credentials: ICECredentials? = nil) {
        var random = random
        self.configuration = configuration
        localCredentials = credentials ?? ICECredentials.random(using: &random)
        tieBreaker = random.next()
        role = configuration.role
        self.random = random
    }

    // MARK: Inputs

    /// Adds a local candidate for a socket the runtime opened (or a reflexive/relayed one it learnt), announces it
    /// as a trickle event, and pairs it with the remote candidates already known.
    public mutating func addLocalCandidate(_ candidate: Candidate, now: Instant) {
        if candidate.type == .host, !gathering.hostBases.contains(candidate.base) {
            gathering.hostBases.append(candidate.base)
        }
        // Under the relay-only policy host sockets only carry the traffic to STUN and TURN servers.
        if configuration.relayOnly, candidate.type != .relay { return }
        guard !localCandidates.contains(where: { $0.address == candidate.address && $0.base == candidate.base })
        else { return }
        localCandidates.append(candidate)
        emit(.localCandidate(candidate))
        for remote in remoteCandidates { addPair(local: candidate, remote: remote) }
        startChecksIfNeeded(now: now)
    }

    /// Sets the role before negotiation decides it (the offerer controls); a later role conflict may still change
    /// it (RFC 8445 §7.3.1.1).
    public mutating func setRole(_ newRole: ICERole) {
        guard role != newRole else { return }
        role = newRole
        sortPairs()
    }

    /// Says that no more host candidates will be added; `gatheringComplete` follows once the STUN and TURN
    /// servers of `gather(from:now:)` have answered (or timed out).
    public mutating func finishGathering() {
        gathering.hostsFinished = true
        checkGatheringComplete()
    }

    /// Sets the peer's ufrag and password (from its SDP); checks can start once they are known.
    public mutating func setRemoteCredentials(_ credentials: ICECredentials, now: Instant) {
        remoteCredentials = credentials
        startChecksIfNeeded(now: now)
    }

    /// Adds a candidate the peer signalled (in SDP or trickled) and pairs it with every local candidate.
    public mutating func addRemoteCandidate(_ candidate: Candidate, now: Instant) {
        guard state != .closed else { return }
        if let index = remoteCandidates.firstIndex(where: { $0.address == candidate.address }) {
            // A signalled candidate replaces a peer-reflexive guess for the same address (RFC 8445 §7.3.1.3).
            if remoteCandidates[index].type == .prflx, candidate.type != .prflx {
                remoteCandidates[index] = candidate
                for pairIndex in pairs.indices where pairs[pairIndex].remote.address == candidate.address {
                    pairs[pairIndex].remote = candidate
                }
            }
            return
        }
        remoteCandidates.append(candidate)
        permitOnRelays(candidate, now: now)
        for local in localCandidates { addPair(local: local, remote: candidate) }
        startChecksIfNeeded(now: now)
    }

    /// The peer signalled end-of-candidates: once every pair has failed, the agent may give up.
    public mutating func setRemoteGatheringComplete(now: Instant) {
        remoteGatheringComplete = true
        updateFailureIfExhausted()
    }

    /// Restarts ICE (RFC 8445 §9): new local credentials, and the peer's credentials and candidates forgotten
    /// until its next description brings new ones; every pair is checked again. Local candidates and TURN
    /// allocations are kept. Media goes on over the selected pair until a pair of the new checks replaces it, and
    /// consent gets a fresh `consentTimeout` to recover in. Works from `failed` too.
    public mutating func restart(now: Instant) {
        guard state != .closed else { return }
        localCredentials = ICECredentials.random(using: &random)
        remoteCredentials = nil
        remoteCandidates.removeAll()
        remoteGatheringComplete = false
        pairs.removeAll()
        triggeredQueue.removeAll()
        transactions.removeAll()
        nominateOnSuccess.removeAll()
        nominationPending = nil
        firstCheckAt = nil
        firstValidAt = nil
        failureReason = nil
        // The old pair stays selected (not nominated any more) so media flows until a new pair takes over.
        selectedPair?.nominated = false
        if selectedPair != nil {
            lastConsentResponse = now
            scheduleConsent(after: now)
        }
        restartCount += 1
        state = .checking
        emit(.stateChanged(.checking))
        regatherAfterRestart(now: now)
    }

    /// Stops every check, deletes the TURN allocations, and reports `closed`.
    public mutating func close(now: Instant = .zero) {
        guard state != .closed else { return }
        closeRelays(now: now)
        transactions.removeAll()
        triggeredQueue.removeAll()
        nextConsentAt = nil
        setState(.closed)
    }

    // MARK: Outputs

    /// The next datagram to send or event to report; nil when drained.
    public mutating func pollOutput() -> Output? {
        outputs.next()
    }

    /// The earliest time the agent wants `handleTimeout(now:)`; nil when it waits for input only.
    public func nextDeadline() -> Instant? {
        guard state != .closed, state != .failed else { return nil }
        var deadline = earliest(transactions.values.map(\.retransmitAt).min(), gatheringDeadline)
        if hasCheckToSend {
            deadline = earliest(deadline, lastCheckSentAt.map { $0 + configuration.checkPacing } ?? .zero)
        }
        if role == .controlling, selectedPair?.nominated != true, nominationPending == nil, let firstValidAt {
            deadline = earliest(deadline, firstValidAt + configuration.nominationDelay)
        }
        if let lastConsentResponse, selectedPair != nil {
            deadline = earliest(deadline, nextConsentAt, lastConsentResponse + configuration.consentTimeout)
            if state == .connected || state == .completed {
                deadline = earliest(deadline, lastConsentResponse + configuration.disconnectedTimeout,
                                    oldestUnansweredConsent.map { $0 + configuration.consentUnansweredTimeout })
            }
        }
        if let firstCheckAt, firstValidAt == nil {
            deadline = earliest(deadline, firstCheckAt + configuration.connectTimeout)
        }
        return deadline
    }

    // MARK: Helpers shared by the extensions

    /// When the oldest consent check still waiting for its response was sent.
    var oldestUnansweredConsent: Instant? {
        var oldest: Instant?
        for transaction in transactions.values where transaction.isConsent {
            oldest = earliest(oldest, transaction.firstSentAt)
        }
        return oldest
    }

    mutating func emit(_ event: Event) { outputs.append(.event(event)) }

    /// Sends `bytes` from a local candidate's base: from its socket, or through its TURN allocation when the base
    /// is a relayed address. A relayed address is no socket: once its allocation is gone (failed, or re-made at
    /// another address after the server lost it) what would leave from it is dropped, never sent raw.
    mutating func transmit(from local: TransportAddress, to remote: TransportAddress, _ bytes: [UInt8], now: Instant) {
        guard isRelayed(local) else {
            outputs.append(.transmit(Datagram(local: local, remote: remote, payload: bytes)))
            return
        }
        guard let index = gathering.relays.firstIndex(where: { $0.candidate?.address == local }) else { return }
        gathering.relays[index].client.send(bytes, to: remote, now: now)
        drainRelay(index, now: now)
    }

    mutating func setState(_ newState: ICEConnectionState) {
        guard state != newState else { return }
        state = newState
        emit(.stateChanged(newState))
    }

    func pairIndex(_ key: PairKey) -> Int? { pairs.firstIndex { $0.key == key } }

    /// True when the pair from `local` to `remote` has passed a connectivity check: the only paths DTLS is
    /// accepted on.
    public func hasValidPair(local: TransportAddress, remote: TransportAddress) -> Bool {
        pairs.contains { $0.state == .succeeded && $0.local.base == local && $0.remote.address == remote }
    }

    var localIsControlling: Bool { role == .controlling }

    mutating func addPair(local: Candidate, remote: Candidate, learntFromCheck: Bool = false) {
        // A server-reflexive candidate is replaced by its base, whose host candidate is paired already, so its
        // pairs would be redundant (RFC 8445 §6.1.2.4).
        guard local.type != .srflx else { return }
        // Nothing but loopback reaches a loopback address (and a TURN server refuses to relay to one); a loopback
        // socket reaches a non-loopback address only when it is this host's own, which a check that arrived from
        // it proves (signalled, the pair would fail, or make the kernel refuse the send).
        if remote.address.ip.isLoopback, !local.address.ip.isLoopback { return }
        if local.address.ip.isLoopback, !remote.address.ip.isLoopback, !learntFromCheck { return }
        guard local.address.ip.isV6 == remote.address.ip.isV6, local.component == remote.component else { return }
        let pair = CandidatePair(local: local, remote: remote)
        guard pairIndex(pair.key) == nil, pairs.count < configuration.maximumPairs else { return }
        pairs.append(pair)
        sortPairs()
        // With a single data stream, the first pair of each foundation starts Waiting (RFC 8445 §6.1.2.6).
        let foundation = pair.local.foundation + "/" + pair.remote.foundation
        let foundationActive = pairs.contains {
            $0.key != pair.key && $0.local.foundation + "/" + $0.remote.foundation == foundation && $0.state != .frozen
        }
        if !foundationActive, let index = pairIndex(pair.key) { pairs[index].state = .waiting }
    }

    mutating func sortPairs() {
        let controlling = localIsControlling
        pairs.sort { $0.priority(localIsControlling: controlling) > $1.priority(localIsControlling: controlling) }
    }
}
