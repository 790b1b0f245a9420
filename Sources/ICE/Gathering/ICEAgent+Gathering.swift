import Wire

/// Gathering server-reflexive and relayed candidates (RFC 8445 §5.1.1.2) from STUN and TURN servers, and carrying
/// datagrams of relayed candidates through their TURN allocations.
///
/// Host candidates come from the runtime's sockets (`addLocalCandidate`); `gather(from:now:)` then asks every STUN
/// server for the reflexive address of each host socket and makes a TURN allocation per TURN server, trickling each
/// candidate as it arrives. Gathering is complete (the `gatheringComplete` event, end-of-candidates) once the owner
/// called `finishGathering()` and every server has answered or failed, or `gatheringTimeout` has passed.
extension ICEAgent {
    /// State of gathering from servers.
    struct Gathering {
        var queries: [ServerReflexiveQuery] = []
        var relays: [RelayAllocation] = []
        /// Every host socket, announced or not (under the relay-only policy host candidates are not announced but
        /// still carry the traffic to STUN and TURN servers).
        var hostBases: [TransportAddress] = []
        /// The addresses of every server in use, for a quick test on each received datagram.
        var serverAddresses: Set<TransportAddress> = []
        var nextStreamID = 1
        /// Gathering stops waiting for servers at this time.
        var deadline: Instant?
        /// `finishGathering()` was called: no more host candidates will come.
        var hostsFinished = false
        /// Every relayed address the agent has had, for a quick test on each sent datagram. Addresses of
        /// allocations that failed or were re-made stay in: they are no sockets, so nothing may be sent from them.
        var relayedAddresses: Set<TransportAddress> = []
    }

    /// Starts gathering from `servers`: a Binding request from every suitable host socket to each STUN server, and
    /// an allocation on each TURN server (from each suitable host socket over UDP, or over a new TCP or TLS
    /// connection the runtime opens on a `.stream(.open)` output). Call it after adding the host candidates.
    public mutating func gather(from servers: [ICEServerEndpoint], now: Instant) {
        guard state != .closed else { return }
        for server in servers {
            gathering.serverAddresses.insert(server.address)
            let bases = gathering.hostBases.filter { Self.canReach(server.address, from: $0) }
            switch server.kind {
            case .stun:
                guard server.transport == .udp else {
                    emit(.serverError("\(server): LinkUp asks STUN servers over UDP only; skipped"))
                    continue
                }
                for base in bases {
                    let query = ServerReflexiveQuery(base: base, server: server, random: &random,
                                                     initialTimeout: configuration.stunRetransmissionTimeout, now: now)
                    gathering.queries.append(query)
                    outputs.append(.transmit(Datagram(local: base, remote: server.address, payload: query.bytes)))
                }
                if bases.isEmpty { emit(.serverError("\(server): no local address can reach it; skipped")) }
            case .turn:
                if server.transport == .udp {
                    for base in bases {
                        let client = newTURNClient(for: server)
                        gathering.relays.append(RelayAllocation(client: client, base: base))
                        gathering.relays[gathering.relays.count - 1].client.start(now: now)
                        drainRelay(gathering.relays.count - 1, now: now)
                    }
                    if bases.isEmpty { emit(.serverError("\(server): no local address can reach it; skipped")) }
                } else {
                    let stream = StreamID(gathering.nextStreamID)
                    gathering.nextStreamID += 1
                    let client = newTURNClient(for: server)
                    gathering.relays.append(RelayAllocation(client: client, stream: stream))
                    outputs.append(.stream(.open(stream, remote: server.address, localIP: bases.first?.ip,
                                                 tlsServerName: server.transport == .tls ? server.name : nil)))
                }
            }
        }
        gathering.deadline = now + configuration.gatheringTimeout
        checkGatheringComplete()
    }

    /// A client for one allocation on `server`, with a generator of its own: clients copied from one another would
    /// draw the same transaction IDs on every host socket.
    private mutating func newTURNClient(for server: ICEServerEndpoint) -> TURNClient {
        TURNClient(server: server, configuration: configuration.turn, random: SeededGenerator(seed: random.next()))
    }

    /// A host socket can reach a server of the same family; loopback and link-local sockets only reach servers on
    /// the same scope.
    static func canReach(_ server: TransportAddress, from base: TransportAddress) -> Bool {
        guard base.ip.isV6 == server.ip.isV6 else { return false }
        if base.ip.isLoopback != server.ip.isLoopback { return false }
        return !(base.ip.isV6 && base.ip.isLinkLocal)
    }

    /// True when `local` is the address of one of this agent's relayed candidates, live or dead: datagrams from it
    /// must go through `send(_:now:)`, which drops them once the allocation is gone.
    public func isRelayed(_ local: TransportAddress) -> Bool {
        !gathering.relayedAddresses.isEmpty && gathering.relayedAddresses.contains(local)
    }

    /// The TURN server behind the relayed candidate at `address`, if it is one of ours.
    public func relayServer(for address: TransportAddress) -> ICEServerEndpoint? {
        gathering.relays.first { $0.candidate?.address == address }?.client.server
    }

    /// Sends a datagram of an upper layer (DTLS, SRTP): through the TURN allocation when it leaves from a relayed
    /// candidate, as it is otherwise. The result comes out of `pollOutput()`.
    public mutating func send(_ datagram: Datagram, now: Instant) {
        transmit(from: datagram.local, to: datagram.remote, datagram.payload, now: now)
    }

    /// Takes what a STUN or TURN server sent to one of the host sockets and returns what is left for the layers
    /// above: nil when the datagram was the server's own business, the relayed datagram (its `local` set to the
    /// relayed candidate, its `remote` to the peer) when it carried a peer's data, and the datagram itself when it
    /// did not come from a server.
    public mutating func receive(_ datagram: Datagram, now: Instant) -> Datagram? {
        guard !gathering.serverAddresses.isEmpty, gathering.serverAddresses.contains(datagram.remote) else {
            return datagram
        }
        if let first = datagram.payload.first, first < 0x40, let message = try? STUNMessage(parsing: datagram.payload),
           let index = gathering.queries.firstIndex(where: { $0.transactionID == message.transactionID }) {
            answered(query: index, message, now: now)
            return nil
        }
        guard let index = gathering.relays.firstIndex(where: { $0.isServer(datagram.remote, on: datagram.local) })
        else { return datagram }
        let relayed = gathering.relays[index].client.handle(datagram.payload[...], now: now)
        drainRelay(index, now: now)
        guard let relayed, let address = gathering.relays[index].client.relayedAddress else { return nil }
        return Datagram(local: address, remote: relayed.peer, payload: Array(relayed.payload))
    }

    /// Feeds what the runtime reports about a stream connection to a TURN server, and returns the peers' datagrams
    /// it carried (their `local` is the relayed candidate), in order.
    public mutating func handleStream(_ event: StreamEvent, now: Instant) -> [Datagram] {
        let id: StreamID
        switch event {
        case let .opened(stream, _), let .received(stream, _), let .closed(stream, _): id = stream
        }
        guard let index = gathering.relays.firstIndex(where: { $0.stream == id }) else { return [] }
        var delivered: [Datagram] = []
        switch event {
        case .opened:
            gathering.relays[index].client.start(now: now)
        case let .received(_, bytes):
            gathering.relays[index].framer.append(bytes)
            while true {
                let message: [UInt8]?
                do {
                    message = try gathering.relays[index].framer.nextMessage()
                } catch {
                    // The allocation fails with it, and its failure closes the stream (once).
                    gathering.relays[index].client.connectionLost("its byte stream is out of step (\(error))")
                    break
                }
                guard let message else { break }
                if let relayed = gathering.relays[index].client.handle(message[...], now: now),
                   let address = gathering.relays[index].client.relayedAddress {
                    delivered.append(Datagram(local: address, remote: relayed.peer, payload: Array(relayed.payload)))
                }
            }
        case let .closed(_, reason):
            gathering.relays[index].client.connectionLost(reason ?? "the server closed it")
        }
        drainRelay(index, now: now)
        return delivered
    }

    // MARK: Timers

    /// The earliest deadline of gathering: query retransmissions, TURN timers, the gathering timeout.
    var gatheringDeadline: Instant? {
        var deadline = gathering.queries.lazy.filter { !$0.done }.map(\.deadline).min()
        for relay in gathering.relays { deadline = earliest(deadline, relay.client.nextDeadline()) }
        // The gathering timeout can only end gathering once the host candidates are in; before that it is no
        // deadline (one already passed would make the owner's timer fire again and again).
        if !localGatheringComplete, gathering.hostsFinished { deadline = earliest(deadline, gathering.deadline) }
        return deadline
    }

    mutating func handleGatheringTimeout(now: Instant) {
        for index in gathering.queries.indices where !gathering.queries[index].done
            && gathering.queries[index].deadline <= now {
            retransmit(query: index, now: now)
        }
        for index in gathering.relays.indices {
            if let due = gathering.relays[index].client.nextDeadline(), due <= now {
                gathering.relays[index].client.handleTimeout(now: now)
                drainRelay(index, now: now)
            }
        }
        if let deadline = gathering.deadline, now >= deadline, gathering.hostsFinished, !localGatheringComplete {
            let waiting = gathering.queries.filter { !$0.done }.map { "\($0.server)" }
                + gathering.relays.filter { !$0.done }.map { "\($0.client.server)" }
            if !waiting.isEmpty {
                emit(.serverError("gathering went on without \(Set(waiting).sorted().joined(separator: ", ")): " +
                                  "no answer within \(configuration.gatheringTimeout)"))
            }
            completeGathering()
        }
    }

    private mutating func retransmit(query index: Int, now: Instant) {
        var query = gathering.queries[index]
        guard query.transmissions < configuration.stunMaximumTransmissions else {
            query.done = true
            gathering.queries[index] = query
            emit(.serverError("\(query.server) did not answer from \(query.base) " +
                              "(\(query.transmissions) Binding requests)"))
            checkGatheringComplete()
            return
        }
        query.transmissions += 1
        query.timeout = query.timeout * 2
        query.deadline = now + query.timeout
        gathering.queries[index] = query
        outputs.append(.transmit(Datagram(local: query.base, remote: query.server.address, payload: query.bytes)))
    }

    // MARK: Results

    private mutating func answered(query index: Int, _ message: STUNMessage, now: Instant) {
        guard !gathering.queries[index].done else { return }
        let query = gathering.queries[index]
        gathering.queries[index].done = true
        if let mapped = query.mappedAddress(in: message) {
            addServerReflexive(mapped, base: query.base, now: now)
        } else if message.type.messageClass == .errorResponse {
            emit(.serverError("\(query.server) answered the Binding request with " +
                              "\(message.errorCode.map { "\($0)" } ?? "an error")"))
        }
        checkGatheringComplete()
    }

    /// A server-reflexive candidate: announced to the peer, never paired itself (RFC 8445 §6.1.2.4 replaces it by
    /// its base, whose host candidate is already paired). Redundant when it equals its base (no NAT, §5.1.3).
    private mutating func addServerReflexive(_ mapped: TransportAddress, base: TransportAddress, now: Instant) {
        guard mapped != base, !configuration.relayOnly else { return }
        let host = localCandidates.first { $0.base == base && $0.type == .host }
        let localPreference = UInt16(truncatingIfNeeded: (host?.priority ?? 0) >> 8)
        addLocalCandidate(Candidate(foundation: Candidate.foundation(type: .srflx, baseIP: base.ip),
                                    priority: Candidate.priority(type: .srflx, localPreference: localPreference),
                                    address: mapped, type: .srflx, base: base, relatedAddress: base), now: now)
    }

    /// Moves a TURN client's outputs into the agent's: its messages to the server, and what its events mean.
    mutating func drainRelay(_ index: Int, now: Instant) {
        while let output = gathering.relays[index].client.pollOutput() {
            switch output {
            case let .transmit(bytes):
                let relay = gathering.relays[index]
                if let base = relay.base {
                    outputs.append(.transmit(Datagram(local: base, remote: relay.client.server.address, payload: bytes)))
                } else if let stream = relay.stream {
                    outputs.append(.stream(.send(stream, bytes)))
                }
            case let .event(.allocated(relayed, mapped)):
                relayAllocated(index, relayed: relayed, mapped: mapped, now: now)
            case let .event(.failed(error)):
                relayFailed(index, error, now: now)
            case .event(.refreshed):
                if !gathering.relays[index].done {
                    gathering.relays[index].done = true
                    checkGatheringComplete()
                }
            case let .event(.permissionFailed(ip, error)):
                emit(.serverError(error.message))
                if let relayed = gathering.relays[index].candidate?.address {
                    for pairIndex in pairs.indices where pairs[pairIndex].local.base == relayed
                        && pairs[pairIndex].remote.address.ip == ip {
                        pairs[pairIndex].state = .failed
                    }
                    updateFailureIfExhausted()
                }
            }
        }
    }

    private mutating func relayAllocated(_ index: Int, relayed: TransportAddress, mapped: TransportAddress?,
                                         now: Instant) {
        let server = gathering.relays[index].client.server
        if let old = gathering.relays[index].candidate, old.address != relayed {
            // A new allocation after the server lost the old one: the old relayed candidate is dead.
            failPairs(from: old.address)
        }
        let localPreference: UInt16 = switch server.transport {
        case .udp: 65_000
        case .tcp: 64_000
        case .tls: 63_000
        }
        let candidate = Candidate(
            foundation: Candidate.foundation(type: .relay, baseIP: server.address.ip, transport: server.transport.rawValue),
            priority: Candidate.priority(type: .relay, localPreference: localPreference),
            address: relayed, type: .relay, base: relayed, relatedAddress: mapped)
        gathering.relays[index].candidate = candidate
        gathering.relays[index].done = true
        gathering.relayedAddresses.insert(relayed)
        // Permissions for every peer address already known, so their checks are let in (RFC 8656 §9).
        for remote in remoteCandidates where remote.address.ip.isV6 == relayed.ip.isV6 && !remote.address.ip.isLoopback {
            gathering.relays[index].client.createPermission(for: remote.address.ip, now: now)
        }
        addLocalCandidate(candidate, now: now)
        if let mapped, let base = gathering.relays[index].base { addServerReflexive(mapped, base: base, now: now) }
        checkGatheringComplete()
    }

    private mutating func relayFailed(_ index: Int, _ error: TURNError, now: Instant) {
        gathering.relays[index].done = true
        emit(.serverError(error.message))
        if let stream = gathering.relays[index].stream { outputs.append(.stream(.close(stream))) }
        if let old = gathering.relays[index].candidate { failPairs(from: old.address) }
        checkGatheringComplete()
    }

    private mutating func failPairs(from localBase: TransportAddress) {
        for index in pairs.indices where pairs[index].local.base == localBase { pairs[index].state = .failed }
        updateFailureIfExhausted()
        // When media flows over the dead relay, the path is known to be gone now: say so at once (the owner
        // restarts ICE) rather than after consent's disconnected timeout.
        if selectedPair?.local.base == localBase, state == .connected || state == .completed {
            setState(.disconnected)
        }
    }

    /// Asks every allocation to let `remote` in (called when a remote candidate is learnt).
    mutating func permitOnRelays(_ remote: Candidate, now: Instant) {
        guard !remote.address.ip.isLoopback else { return }  // no TURN server relays to loopback
        for index in gathering.relays.indices where gathering.relays[index].client.state == .allocated
            && gathering.relays[index].client.relayedAddress?.ip.isV6 == remote.address.ip.isV6 {
            gathering.relays[index].client.createPermission(for: remote.address.ip, now: now)
            drainRelay(index, now: now)
        }
    }

    /// Reports `gatheringComplete` once the host candidates are in and no server is still being waited for.
    mutating func checkGatheringComplete() {
        guard gathering.hostsFinished, !localGatheringComplete else { return }
        let waiting = gathering.queries.contains { !$0.done } || gathering.relays.contains { !$0.done }
        if !waiting { completeGathering() }
    }

    private mutating func completeGathering() {
        localGatheringComplete = true
        emit(.gatheringComplete)
        // The peer's end-of-candidates may be in already: the last thing failure waited for.
        updateFailureIfExhausted()
    }

    /// On an ICE restart, checks every allocation is still there (a NAT may have forgotten our mapping: then the
    /// server no longer knows us, answers 437, and a new allocation gives a new relayed candidate), and asks the
    /// STUN servers again; gathering is complete again once they have answered.
    mutating func regatherAfterRestart(now: Instant) {
        var pending = false
        for index in gathering.relays.indices where gathering.relays[index].client.refreshNow(now: now) {
            gathering.relays[index].done = false
            pending = true
            drainRelay(index, now: now)
        }
        for index in gathering.queries.indices {
            let old = gathering.queries[index]
            let query = ServerReflexiveQuery(base: old.base, server: old.server, random: &random,
                                             initialTimeout: configuration.stunRetransmissionTimeout, now: now)
            gathering.queries[index] = query
            outputs.append(.transmit(Datagram(local: query.base, remote: query.server.address, payload: query.bytes)))
            pending = true
        }
        guard pending else { return }
        localGatheringComplete = false
        gathering.deadline = now + configuration.gatheringTimeout
    }

    /// Deletes every allocation (Refresh with LIFETIME 0) and closes their connections.
    mutating func closeRelays(now: Instant) {
        for index in gathering.relays.indices {
            gathering.relays[index].client.close(now: now)
            drainRelay(index, now: now)
            if let stream = gathering.relays[index].stream { outputs.append(.stream(.close(stream))) }
        }
    }
}
