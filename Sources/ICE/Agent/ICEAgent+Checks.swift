import Wire

/// Sending connectivity checks: pacing, retransmission, nomination and the timers behind them (RFC 8445 §6.1.4,
/// §7.2, §8.1).
extension ICEAgent {
    /// True when a check could be sent now if pacing allowed it.
    var hasCheckToSend: Bool {
        guard remoteCredentials != nil, state != .closed, state != .failed else { return false }
        return !triggeredQueue.isEmpty || pairs.contains { $0.state == .waiting || $0.state == .frozen }
    }

    mutating func startChecksIfNeeded(now: Instant) {
        guard hasCheckToSend else { return }
        if firstCheckAt == nil { firstCheckAt = now }
        if state == .new { setState(.checking) }
    }

    /// Runs every timer that is due: retransmissions, the next paced check, nomination, consent.
    public mutating func handleTimeout(now: Instant) {
        guard state != .closed, state != .failed else { return }
        handleGatheringTimeout(now: now)
        retransmitDueChecks(now: now)
        if hasCheckToSend, lastCheckSentAt.map({ now >= $0 + configuration.checkPacing }) ?? true {
            sendNextCheck(now: now)
        }
        nominateIfDue(now: now)
        runConsent(now: now)
        if let firstCheckAt, firstValidAt == nil, now >= firstCheckAt + configuration.connectTimeout {
            fail("no candidate pair answered within \(configuration.connectTimeout) " +
                 "(\(pairs.count) pair(s) tried, \(remoteCandidates.count) remote candidate(s))")
        }
    }

    private mutating func retransmitDueChecks(now: Instant) {
        for (id, transaction) in transactions where transaction.retransmitAt <= now {
            if transaction.transmissions >= configuration.maximumTransmissions {
                transactions[id] = nil
                checkTimedOut(transaction, now: now)
                continue
            }
            var updated = transaction
            updated.transmissions += 1
            updated.timeout = min(transaction.timeout * 2, configuration.maximumRetransmissionTimeout)
            updated.retransmitAt = now + updated.timeout
            transactions[id] = updated
            transmit(from: transaction.pair.localBase, to: transaction.pair.remote, transaction.bytes, now: now)
        }
    }

    private mutating func checkTimedOut(_ transaction: Transaction, now: Instant) {
        // A lost consent request is judged by the consent timer, not by its own transaction.
        guard !transaction.isConsent, let index = pairIndex(transaction.pair) else { return }
        if pairs[index].state == .inProgress { pairs[index].state = .failed }
        if nominationPending == transaction.pair { nominationPending = nil }
        updateFailureIfExhausted()
    }

    /// Picks the next check: the triggered queue first, then the best Waiting pair, then unfreezes the best Frozen
    /// one (RFC 8445 §6.1.4.2).
    private mutating func sendNextCheck(now: Instant) {
        var chosen: PairKey?
        var useCandidate = false
        while !triggeredQueue.isEmpty, chosen == nil {
            let key = triggeredQueue.removeFirst()
            if let index = pairIndex(key), pairs[index].state != .failed || nominationPending == key {
                chosen = key
                useCandidate = nominationPending == key
            }
        }
        if chosen == nil, let index = pairs.firstIndex(where: { $0.state == .waiting }) {
            chosen = pairs[index].key
        }
        if chosen == nil, let index = pairs.firstIndex(where: { $0.state == .frozen }) {
            chosen = pairs[index].key
        }
        guard let key = chosen, let index = pairIndex(key) else { return }
        if pairs[index].state != .succeeded { pairs[index].state = .inProgress }
        sendCheck(on: pairs[index], useCandidate: useCandidate, isConsent: false, now: now)
        lastCheckSentAt = now
    }

    /// Sends a Binding request on `pair` (RFC 8445 §7.2.2): USERNAME "remote:local", PRIORITY of a peer-reflexive
    /// candidate from this base, the role attribute with the tie-breaker, and USE-CANDIDATE when nominating.
    mutating func sendCheck(on pair: CandidatePair, useCandidate: Bool, isConsent: Bool, now: Instant) {
        guard let remoteCredentials else { return }
        let transactionID = random.bytes(12)
        let prflxPriority = Candidate.priority(type: .prflx, localPreference: UInt16(truncatingIfNeeded:
            pair.local.priority >> 8))
        let bytes = ICEMessages.bindingRequest(
            transactionID: transactionID,
            username: remoteCredentials.ufrag + ":" + localCredentials.ufrag,
            password: remoteCredentials.pwd,
            priority: prflxPriority,
            role: role,
            tieBreaker: tieBreaker,
            useCandidate: useCandidate)
        transactions[transactionID] = Transaction(
            pair: pair.key, bytes: bytes, useCandidate: useCandidate, isConsent: isConsent, transmissions: 1,
            timeout: configuration.initialRetransmissionTimeout,
            retransmitAt: now + configuration.initialRetransmissionTimeout, firstSentAt: now)
        transmit(from: pair.local.base, to: pair.remote.address, bytes, now: now)
    }

    /// The controlling agent nominates the best valid pair once no better pair is still pending, or once the
    /// nomination delay after the first valid pair has passed (regular nomination, RFC 8445 §8.1.1).
    mutating func nominateIfDue(now: Instant) {
        guard role == .controlling, nominationPending == nil, selectedPair?.nominated != true,
              let firstValidAt else { return }
        guard let best = pairs.first(where: { $0.state == .succeeded }) else { return }
        let controlling = localIsControlling
        let bestPriority = best.priority(localIsControlling: controlling)
        let betterPending = pairs.contains {
            [.waiting, .frozen, .inProgress].contains($0.state) && $0.priority(localIsControlling: controlling) > bestPriority
        }
        guard !betterPending || now >= firstValidAt + configuration.nominationDelay else { return }
        nominationPending = best.key
        triggeredQueue.removeAll { $0 == best.key }
        // The nomination goes out at once rather than at the next pacing slot: it is one check on a pair that
        // already works, and the controlled side (a browser, Pion) starts DTLS only once it sees it, so waiting up to
        // Ta (50 ms) here is 50 ms more call set-up for nothing (RFC 8445 §14 paces new checks to spare the network).
        if let index = pairIndex(best.key) {
            sendCheck(on: pairs[index], useCandidate: true, isConsent: false, now: now)
        }
    }

    /// Fails the agent when nothing is left to try: the peer has no more candidates, this side has finished
    /// gathering (a relayed candidate may come until then, RFC 8838 §8), and every pair failed. With no pair at
    /// all it fails only when this side has no candidate either: a peer's check may still bring a peer-reflexive
    /// candidate to pair with a local one (RFC 8863), but with no local candidate (relay-only, and no allocation)
    /// nothing can ever be checked.
    mutating func updateFailureIfExhausted() {
        guard selectedPair == nil, remoteGatheringComplete, localGatheringComplete,
              pairs.allSatisfy({ $0.state == .failed }) else { return }
        if !pairs.isEmpty {
            fail("every candidate pair failed (\(pairs.count) pair(s) checked)")
        } else if localCandidates.isEmpty {
            let why = configuration.relayOnly
                ? "no TURN allocation succeeded and the relay-only policy allows no other candidate"
                : "this side has no candidate"
            fail("every candidate pair failed: there was none to check, as \(why)")
        }
    }

    mutating func fail(_ reason: String) {
        guard state != .failed, state != .closed else { return }
        failureReason = reason
        transactions.removeAll()
        triggeredQueue.removeAll()
        nextConsentAt = nil
        setState(.failed)
    }

    /// Makes `key` the selected pair and reports it (and the state that follows) when it changed.
    mutating func select(_ key: PairKey, nominated: Bool, now: Instant) {
        guard let index = pairIndex(key) else { return }
        if nominated { pairs[index].nominated = true }
        let pair = pairs[index]
        let changed = selectedPair?.key != key || selectedPair?.nominated != pair.nominated
        selectedPair = pair
        if lastConsentResponse == nil { lastConsentResponse = now }
        if nextConsentAt == nil { scheduleConsent(after: now) }
        if changed { emit(.selectedPairChanged(pair)) }
        setState(pair.nominated ? .completed : .connected)
    }
}
