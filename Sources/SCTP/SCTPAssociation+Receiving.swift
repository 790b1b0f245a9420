import Wire

extension SCTPAssociation {
    private var canReceiveData: Bool {
        switch state {
        case .established, .shutdownPending, .shutdownSent: true
        default: false
        }
    }

    /// DATA (RFC 9260 §6.2): record the TSN, note duplicates and gaps for the SACK, and hand complete messages on.
    mutating func receiveData(_ chunk: DataChunk, now: Instant) {
        guard canReceiveData, !chunk.payload.isEmpty else { return }
        statistics.dataChunksReceived += 1
        sackNeeded = true
        // §6.2: with no room left, a chunk beyond everything received is dropped (the sender retransmits it);
        // one that fills a hole is still taken, as it may release buffered data.
        if reassembly.bufferedBytes + chunk.payload.count > configuration.receiveWindow,
           received.highest.precedes(chunk.tsn) {
            sackNow = true
            return
        }
        // A TSN implausibly far ahead (beyond any window the peer could have been granted) is dropped, which
        // bounds the gap bookkeeping a hostile peer can cause.
        guard chunk.tsn &- received.cumulative <= 1 << 20 else { return }
        guard received.insert(chunk.tsn) else {
            statistics.duplicateTSNsReceived += 1
            sackNow = true  // §6.7: duplicates are reported at once.
            return
        }
        if received.hasGaps || chunk.immediate { sackNow = true }  // §6.7: gaps are reported at once.
        reassembly.add(chunk, into: &delivered)
        deliverMessages()
    }

    /// Turns reassembled messages into events.
    mutating func deliverMessages() {
        guard !delivered.isEmpty else { return }
        for message in delivered {
            events.append(.message(stream: message.stream, ppid: message.ppid, payload: message.payload))
        }
        delivered.removeAll(keepingCapacity: true)
    }

    /// After a packet with DATA: SACK every second packet, otherwise within the delayed-ack timeout (§6.2).
    mutating func dataPacketReceived(now: Instant) {
        packetsSinceSack += 1
        if packetsSinceSack >= 2 { sackNow = true }
        if sackNeeded && !sackNow && delayedAckDeadline == nil {
            delayedAckDeadline = now + configuration.delayedAckTimeout
        }
    }

    /// FORWARD TSN (RFC 3758 §3.6): skip abandoned TSNs and SSNs, then acknowledge at once.
    mutating func receiveForwardTSN(_ chunk: ForwardTSNChunk, now: Instant) {
        guard canReceiveData else { return }
        sackNeeded = true
        sackNow = true
        guard received.cumulative.precedes(chunk.newCumulativeTSN) else { return }
        received.advance(to: chunk.newCumulativeTSN)
        reassembly.forward(to: chunk.newCumulativeTSN, skips: chunk.skips, into: &delivered)
        deliverMessages()
    }

    // MARK: Shutdown (RFC 9260 §9.2)

    /// Starts a graceful shutdown: queued and outstanding data is delivered first, then SHUTDOWN goes out.
    public mutating func shutdown(now: Instant) {
        lastNow = now
        switch state {
        case .established: state = .shutdownPending
        case .closed, .cookieWait, .cookieEchoed:
            // Nothing was established: there is no one to tell.
            terminate(nil)
            return
        default: return
        }
        progressShutdown(now: now)
    }

    private var allDataAcknowledged: Bool { pending.isEmpty && sent.isEmpty }

    /// Sends SHUTDOWN or SHUTDOWN ACK once everything we sent has been acknowledged.
    mutating func progressShutdown(now: Instant) {
        switch state {
        case .shutdownPending where allDataAcknowledged:
            state = .shutdownSent
            t2Attempts = 0
            sendShutdown(now: now)
        case .shutdownReceived where allDataAcknowledged:
            state = .shutdownAckSent
            t2Attempts = 0
            sendShutdownAck(now: now)
        default:
            break
        }
    }

    private mutating func sendShutdown(now: Instant) {
        controlChunks.append(.shutdown(cumulativeTSNAck: received.cumulative))
        sackNeeded = false
        t3Deadline = nil
        t2Deadline = now + rto.duration
    }

    private mutating func sendShutdownAck(now: Instant) {
        controlChunks.append(.shutdownAck)
        t3Deadline = nil
        t2Deadline = now + rto.duration
    }

    mutating func receiveShutdown(cumulativeTSNAck: UInt32, now: Instant) {
        switch state {
        case .established, .shutdownPending:
            // The SHUTDOWN's cumulative ack counts as a SACK (§9.2).
            receiveSack(SackChunk(cumulativeTSNAck: cumulativeTSNAck,
                                  advertisedReceiverWindow: UInt32(clamping: peerReceiveWindow + flightSize)),
                        now: now)
            state = .shutdownReceived
        case .shutdownSent:
            // Both sides shut down at once: answer with SHUTDOWN ACK (§9.2).
            state = .shutdownAckSent
            t2Attempts = 0
            sendShutdownAck(now: now)
        default:
            break
        }
    }

    mutating func receiveShutdownAck(now: Instant) {
        guard state == .shutdownSent || state == .shutdownAckSent else { return }
        enqueuePacket(tag: peerTag, [.shutdownComplete(tagReflected: false)])
        terminate(nil)
    }

    /// T2-shutdown expired: send SHUTDOWN or SHUTDOWN ACK again, up to Association.Max.Retrans times.
    mutating func t2Expired(now: Instant) {
        t2Deadline = nil
        t2Attempts += 1
        guard t2Attempts <= configuration.maxRetransmissions else {
            if peerTag != 0 { enqueuePacket(tag: peerTag, [.abort(AbortChunk(causes: []))]) }
            terminate(.shutdownTimedOut)
            return
        }
        rto.backOff()
        switch state {
        case .shutdownSent: sendShutdown(now: now)
        case .shutdownAckSent: sendShutdownAck(now: now)
        default: break
        }
    }
}
