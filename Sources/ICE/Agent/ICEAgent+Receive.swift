import Wire

/// Handling STUN that arrives: answering checks (RFC 8445 §7.3) and processing responses to ours (§7.2.5).
extension ICEAgent {
    /// Feeds one datagram that arrived on a socket, for an agent that runs alone (no DTLS or media above it):
    /// STUN and TURN servers' answers go to gathering, relayed data is unwrapped, and connectivity checks are
    /// handled; anything else is dropped.
    public mutating func handle(_ datagram: Datagram, now: Instant) {
        guard let datagram = receive(datagram, now: now),
              DatagramKind(classifying: datagram.payload) == .stun else { return }
        handleConnectivityCheck(datagram, now: now)
    }

    /// Feeds one datagram that is STUN (RFC 7983) and did not come from a STUN or TURN server (see
    /// `receive(_:now:)`). Anything that is not a well-formed, authenticated Binding message for this session is
    /// dropped silently, as RFC 8445 §7.3 and §7.2.5 require of requests with a wrong USERNAME or
    /// MESSAGE-INTEGRITY.
    public mutating func handleConnectivityCheck(_ datagram: Datagram, now: Instant) {
        // Under the relay-only policy nothing is answered or accepted on the host sockets.
        if configuration.relayOnly, !isRelayed(datagram.local) { return }
        guard state != .closed, let message = ICEMessages.parse(datagram.payload) else { return }
        switch message.kind {
        case .request:
            handleRequest(message, datagram: datagram, now: now)
        case .successResponse, .errorResponse:
            handleResponse(message, datagram: datagram, now: now)
        }
    }

    private mutating func handleRequest(_ message: ICEMessages.Parsed, datagram: Datagram, now: Instant) {
        // USERNAME is "ourUfrag:theirUfrag" and MESSAGE-INTEGRITY is keyed with our password (§7.3).
        guard let username = message.username, username.split(separator: ":").first.map(String.init)
                == localCredentials.ufrag,
              message.hasValidIntegrity(password: localCredentials.pwd)
        else { return }

        if let conflictResponse = resolveRoleConflict(message) {
            transmit(from: datagram.local, to: datagram.remote, conflictResponse, now: now)
            return
        }
        transmit(from: datagram.local, to: datagram.remote, ICEMessages.bindingSuccess(
            to: message, mapped: datagram.remote, password: localCredentials.pwd), now: now)
        guard state != .failed else { return }

        // Learn the sender as a peer-reflexive candidate if it is new (§7.3.1.3).
        let remote: Candidate
        if let known = remoteCandidates.first(where: { $0.address == datagram.remote }) {
            remote = known
        } else {
            remote = Candidate(foundation: Candidate.foundation(type: .prflx, baseIP: datagram.remote.ip),
                               priority: message.priority ?? Candidate.priority(type: .prflx, localPreference: 0),
                               address: datagram.remote, type: .prflx)
            remoteCandidates.append(remote)
        }
        guard let local = localCandidates.first(where: { $0.base == datagram.local && $0.type == .host })
                ?? localCandidates.first(where: { $0.base == datagram.local }) else { return }
        let key = PairKey(localBase: local.base, remote: remote.address)
        if pairIndex(key) == nil { addPair(local: local, remote: remote, learntFromCheck: true) }
        guard let index = pairIndex(key) else { return }

        // Triggered check (§7.3.1.4), unless the pair already works.
        if pairs[index].state != .succeeded, pairs[index].state != .inProgress {
            pairs[index].state = .waiting
            if !triggeredQueue.contains(key) { triggeredQueue.append(key) }
        }
        startChecksIfNeeded(now: now)

        // Nomination by the controlling peer (§7.3.1.5).
        if message.useCandidate, role == .controlled {
            if pairs[index].state == .succeeded {
                select(key, nominated: true, now: now)
            } else {
                nominateOnSuccess.insert(key)
            }
        }
    }

    /// Role-conflict repair on an incoming request (RFC 8445 §7.3.1.1): either answer 487 (returned) or switch role.
    private mutating func resolveRoleConflict(_ message: ICEMessages.Parsed) -> [UInt8]? {
        if role == .controlling, let theirs = message.iceControlling {
            if tieBreaker >= theirs {
                return ICEMessages.bindingError(to: message, code: 487,
                                                reason: "Role Conflict", password: localCredentials.pwd)
            }
            switchRole(to: .controlled)
        } else if role == .controlled, let theirs = message.iceControlled {
            if tieBreaker >= theirs {
                switchRole(to: .controlling)
            } else {
                return ICEMessages.bindingError(to: message, code: 487,
                                                reason: "Role Conflict", password: localCredentials.pwd)
            }
        }
        return nil
    }

    mutating func switchRole(to newRole: ICERole) {
        guard role != newRole else { return }
        role = newRole
        sortPairs()
        emit(.roleChanged(newRole))
    }

    private mutating func handleResponse(_ message: ICEMessages.Parsed, datagram: Datagram, now: Instant) {
        guard let transaction = transactions[message.transactionID], let remoteCredentials,
              message.hasValidIntegrity(password: remoteCredentials.pwd)
        else { return }
        transactions[message.transactionID] = nil

        if transaction.isConsent || selectedPair?.key == transaction.pair {
            lastConsentResponse = now
            if state == .disconnected, let selectedPair { setState(selectedPair.nominated ? .completed : .connected) }
        }
        guard let index = pairIndex(transaction.pair) else { return }

        if message.kind == .errorResponse {
            if message.errorCode == 487 {
                // We sent with the wrong role: switch and try the pair again (§7.2.5.1).
                switchRole(to: role == .controlling ? .controlled : .controlling)
                pairs[index].state = .waiting
                if !triggeredQueue.contains(transaction.pair) { triggeredQueue.append(transaction.pair) }
            } else if !transaction.isConsent {
                pairs[index].state = .failed
                updateFailureIfExhausted()
            }
            return
        }

        // A response must come back on the same 5-tuple the request used (symmetric paths, §7.2.5.2.1).
        guard datagram.remote == transaction.pair.remote, datagram.local == transaction.pair.localBase else {
            if !transaction.isConsent { pairs[index].state = .failed }
            return
        }
        if let mapped = message.mappedAddress, !localCandidates.contains(where: { $0.address == mapped }) {
            // A peer-reflexive local candidate (§7.2.5.3.1): known to the agent, not signalled.
            let prflx = Candidate(foundation: Candidate.foundation(type: .prflx, baseIP: datagram.local.ip),
                                  priority: Candidate.priority(type: .prflx, localPreference: 0),
                                  address: mapped, type: .prflx, base: datagram.local)
            localCandidates.append(prflx)
        }
        let wasValid = pairs[index].state == .succeeded
        pairs[index].state = .succeeded
        if firstValidAt == nil { firstValidAt = now }
        if !wasValid { unfreeze(foundationOf: pairs[index]) }

        let key = transaction.pair
        if transaction.useCandidate, role == .controlling {
            nominationPending = nil
            select(key, nominated: true, now: now)
        } else if role == .controlled, nominateOnSuccess.remove(key) != nil {
            select(key, nominated: true, now: now)
        } else if selectedPair == nil || (selectedPair?.nominated == false && isBetter(key, than: selectedPair!.key)) {
            // Media may flow on a valid pair before nomination (RFC 8445 §12.1).
            select(key, nominated: false, now: now)
        }
        nominateIfDue(now: now)
    }

    private func isBetter(_ key: PairKey, than other: PairKey) -> Bool {
        guard let a = pairIndex(key) else { return false }
        // A pair that is no longer in the checklist (the selected pair of before an ICE restart) yields to any
        // pair the new checks validate.
        guard let b = pairIndex(other) else { return true }
        return a < b
    }

    /// When a pair succeeds, frozen pairs with the same foundation become Waiting (RFC 8445 §7.2.5.3.3).
    private mutating func unfreeze(foundationOf pair: CandidatePair) {
        for index in pairs.indices where pairs[index].state == .frozen
            && pairs[index].local.foundation == pair.local.foundation
            && pairs[index].remote.foundation == pair.remote.foundation {
            pairs[index].state = .waiting
        }
    }
}
