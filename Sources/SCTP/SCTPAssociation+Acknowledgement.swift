import Wire

extension SCTPAssociation {
    /// SACK (RFC 9260 §6.2.1, §7.2): frees acknowledged chunks, measures the round trip, grows or cuts the
    /// congestion window, counts missing reports for fast retransmit, and moves the PR-SCTP ack point.
    mutating func receiveSack(_ sack: SackChunk, now: Instant) {
        guard canReceiveAcks else { return }
        let cumulative = sack.cumulativeTSNAck
        let currentCumulative = sent.firstTSN &- 1
        // §6.2.1 D i: a SACK older than the current cumulative ack is stale.
        guard !cumulative.precedes(currentCumulative) else { return }
        // A cumulative ack beyond anything sent is a protocol violation; ignore the SACK.
        guard cumulative.precedes(sent.endTSN) else { return }
        let flightBefore = flightSize
        var bytesAcked = 0
        var cumulativeAdvanced = false

        // Cumulative part: chunks leave the queue.
        while let first = sent.first, first.tsn.precedesOrEquals(cumulative) {
            let chunk = sent.removeFirst()
            cumulativeAdvanced = true
            acknowledge(chunk, bytesAcked: &bytesAcked)
            if let probe = rttProbe, probe.tsn == chunk.tsn {
                // Karn's rule (§6.3.1 C5): only a chunk sent once gives a sample.
                if chunk.transmissions == 1 { rto.addSample(now - probe.sent) }
                rttProbe = nil
            }
        }
        if let probe = rttProbe, probe.tsn.precedesOrEquals(cumulative) { rttProbe = nil }

        // Gap blocks: chunks reported received beyond the cumulative ack.
        var highestNewlyAcked: UInt32?
        // Blocks must ascend without overlapping and lie within what was sent; others are ignored, which also
        // bounds the work a hostile SACK can cause to one pass over the outstanding window.
        let sentBeyond = Int(sent.endTSN &- cumulative) - 1
        var previousEnd = 0
        for block in sack.gapBlocks {
            let start = Int(block.start), end = min(Int(block.end), sentBeyond)
            guard start > previousEnd, start <= end else { continue }
            previousEnd = end
            var tsn = cumulative &+ UInt32(start)
            let end32 = cumulative &+ UInt32(end)
            while true {
                if let index = sent.index(of: tsn) {
                    switch sent[index].state {
                    case .inFlight, .needsRetransmit:
                        var chunk = sent[index]
                        acknowledge(chunk, bytesAcked: &bytesAcked)
                        chunk.state = .gapAcked
                        sent[index] = chunk
                        highestNewlyAcked = tsn
                    case .gapAcked, .abandoned: break
                    }
                }
                if tsn == end32 { break }
                tsn &+= 1
            }
        }

        // §8.3: any acknowledgement of outstanding data (a FORWARD TSN's too) shows the peer is alive.
        if bytesAcked > 0 || cumulativeAdvanced { consecutiveTimeouts = 0 }
        if bytesAcked > 0 {
            if let exit = fastRecoveryExit, exit.precedesOrEquals(cumulative) { fastRecoveryExit = nil }
            adjustWindowAfterAck(bytesAcked: bytesAcked, cumulativeAdvanced: cumulativeAdvanced,
                                 flightBefore: flightBefore)
        }
        if let highest = highestNewlyAcked { countMissingReports(below: highest, now: now) }

        peerReceiveWindow = max(Int(sack.advertisedReceiverWindow) - flightSize, 0)

        // §6.3.2 R2/R3: stop T3 when nothing is outstanding, restart it when the cumulative ack moved.
        if flightSize == 0 && retransmitHead >= retransmitQueue.count {
            t3Deadline = nil
        } else if cumulativeAdvanced {
            t3Deadline = now + rto.duration
        }
        advanceAckPoint()
    }

    private var canReceiveAcks: Bool {
        switch state {
        case .established, .shutdownPending, .shutdownSent, .shutdownReceived, .shutdownAckSent: true
        default: false
        }
    }

    /// A chunk reported received: out of the flight, its bytes off the stream's buffered amount.
    private mutating func acknowledge(_ chunk: SentChunk, bytesAcked: inout Int) {
        switch chunk.state {
        case .inFlight:
            flightSize -= chunk.flightBytes
            bytesAcked += chunk.flightBytes
            releaseBuffered(chunk.bufferedBytes, stream: chunk.stream)
        case .needsRetransmit:
            bytesAcked += chunk.flightBytes
            releaseBuffered(chunk.bufferedBytes, stream: chunk.stream)
        case .gapAcked, .abandoned:
            break
        }
    }

    /// §7.2.1 slow start and §7.2.2 congestion avoidance (no growth during fast recovery, §7.2.4).
    private mutating func adjustWindowAfterAck(bytesAcked: Int, cumulativeAdvanced: Bool, flightBefore: Int) {
        guard cumulativeAdvanced, fastRecoveryExit == nil else { return }
        // Grow only when the window was in use: an application-limited sender learns nothing about the path.
        let windowWasFull = flightBefore + mtu >= congestionWindow
        if congestionWindow <= slowStartThreshold {
            if windowWasFull { congestionWindow += min(bytesAcked, mtu) }
        } else {
            partialBytesAcked += bytesAcked
            if partialBytesAcked >= congestionWindow && windowWasFull {
                partialBytesAcked -= congestionWindow
                congestionWindow += mtu
            }
        }
        if flightSize == 0 { partialBytesAcked = 0 }
    }

    /// §7.2.4: every chunk still in flight below the highest TSN newly acknowledged gets a missing report; the
    /// third sends it again (once), and the first such loss in a round trip halves the window.
    private mutating func countMissingReports(below highest: UInt32, now: Instant) {
        guard let last = sent.index(of: highest) else { return }
        var marked = false
        for index in sent.indices where index < last {
            guard sent[index].state == .inFlight, !sent[index].fastRetransmitted else { continue }
            sent[index].missIndications += 1
            guard sent[index].missIndications >= 3 else { continue }
            sent[index].fastRetransmitted = true
            if markForRetransmission(at: index, now: now) {
                statistics.fastRetransmissions += 1
                marked = true
            }
        }
        if marked && fastRecoveryExit == nil {
            slowStartThreshold = max(congestionWindow / 2, 4 * mtu)
            congestionWindow = slowStartThreshold
            partialBytesAcked = 0
            fastRecoveryExit = sent.endTSN &- 1
        }
    }

    /// Moves an in-flight chunk to the retransmission queue, or abandons its message when partial reliability
    /// says so. Returns whether it will be retransmitted.
    @discardableResult
    mutating func markForRetransmission(at index: Int, now: Instant) -> Bool {
        let chunk = sent[index]
        if chunk.state == .inFlight { flightSize -= chunk.flightBytes }
        sent[index].state = .needsRetransmit
        if abandonIfExpired(at: index, now: now) { return false }
        retransmitQueue.append(chunk.tsn)
        return true
    }

    /// RFC 3758 §3.5 A1-A3: a chunk whose message has used up its retransmissions or outlived its lifetime is
    /// abandoned together with every other chunk of that message. Returns whether it was.
    mutating func abandonIfExpired(at index: Int, now: Instant) -> Bool {
        let chunk = sent[index]
        let retransmitsUsed = chunk.maxRetransmits.map { chunk.transmissions > Int($0) } ?? false
        let expired = chunk.expiry.map { $0 <= now } ?? false
        guard peerSupportsForwardTSN, retransmitsUsed || expired else { return false }
        abandonMessage(containing: index)
        return true
    }

    private mutating func abandonMessage(containing index: Int) {
        let messageID = sent[index].messageID
        var first = index
        while first > sent.indices.lowerBound, sent[first - 1].messageID == messageID { first -= 1 }
        var last = index
        while last + 1 < sent.indices.upperBound, sent[last + 1].messageID == messageID { last += 1 }
        for position in first...last where sent[position].state != .abandoned {
            let chunk = sent[position]
            if chunk.state == .inFlight { flightSize -= chunk.flightBytes }
            if chunk.state != .gapAcked { releaseBuffered(chunk.bufferedBytes, stream: chunk.stream) }
            sent[position].state = .abandoned
            statistics.abandonedChunks += 1
        }
        // Fragments not yet given TSNs are dropped with it; the receiver discards the partial message when the
        // FORWARD TSN passes it.
        if let head = pending.first, head.id == messageID, head.offset > 0 {
            let rest = pending.removeFirst()
            finishPending(rest)
            let sentBytes = rest.bufferedBytes == rest.payload.count ? rest.offset : rest.bufferedBytes
            releaseBuffered(rest.bufferedBytes - sentBytes, stream: rest.stream)
        }
        forwardTSNNeeded = true
    }

    /// RFC 3758 §3.5 C1-C3: the Advanced.Peer.Ack.Point passes abandoned chunks at the front of the queue;
    /// when it is ahead of the cumulative ack, a FORWARD TSN tells the peer to skip them.
    mutating func advanceAckPoint() {
        guard peerSupportsForwardTSN, !sent.isEmpty else { return }
        if sent[sent.indices.lowerBound].state == .abandoned { forwardTSNNeeded = true }
    }

    /// Appends a FORWARD TSN covering the abandoned chunks at the front of the queue, with the largest skipped
    /// SSN of each ordered stream among them.
    mutating func appendForwardTSN() {
        forwardTSNNeeded = false
        var newCumulative: UInt32?
        var skips: [UInt16: UInt16] = [:]
        for index in sent.indices {
            let chunk = sent[index]
            guard chunk.state == .abandoned else { break }
            newCumulative = chunk.tsn
            if !chunk.unordered {
                if let existing = skips[chunk.stream], !existing.precedes(chunk.ssn) { continue }
                skips[chunk.stream] = chunk.ssn
            }
        }
        guard let newCumulative else { return }
        let list = skips.sorted { $0.key < $1.key }.map { ForwardTSNChunk.StreamSkip(stream: $0.key, ssn: $0.value) }
        controlChunks.append(.forwardTSN(ForwardTSNChunk(newCumulativeTSN: newCumulative, skips: list)))
        if t3Deadline == nil { t3Deadline = lastNow + rto.duration }
    }

    /// T3-rtx expired (§6.3.3): back off, collapse the window to one packet, and queue every unacknowledged
    /// chunk for retransmission (or abandon it under partial reliability); too many in a row ends the association.
    mutating func t3Expired(now: Instant) {
        t3Deadline = nil
        consecutiveTimeouts += 1
        if consecutiveTimeouts > configuration.maxRetransmissions {
            terminate(.retransmissionLimitReached(attempts: consecutiveTimeouts - 1))
            return
        }
        rto.backOff()
        slowStartThreshold = max(congestionWindow / 2, 4 * mtu)
        congestionWindow = mtu
        partialBytesAcked = 0
        fastRecoveryExit = nil
        rttProbe = nil
        retransmitQueue.removeAll(keepingCapacity: true)
        retransmitHead = 0
        var anyOutstanding = false
        for index in sent.indices {
            switch sent[index].state {
            case .inFlight, .needsRetransmit:
                if markForRetransmission(at: index, now: now) { statistics.timeoutRetransmissions += 1 }
                anyOutstanding = true
            case .gapAcked, .abandoned:
                break
            }
        }
        advanceAckPoint()
        // Something must go out for the timer to restart: retransmissions, a FORWARD TSN, or a pending request.
        if anyOutstanding || forwardTSNNeeded || !sent.isEmpty { t3Deadline = now + rto.duration }
    }
}
