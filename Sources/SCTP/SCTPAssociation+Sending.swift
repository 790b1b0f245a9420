import Wire

extension SCTPAssociation {
    /// Queues one message on `stream`. It goes out once the association is up and the congestion and receive
    /// windows allow, fragmented to the MTU. `bufferedBytes` is what it adds to the stream's buffered amount
    /// (the payload size, except for the placeholder byte of an empty data channel message). Returns false when
    /// the association no longer accepts messages.
    @discardableResult
    public mutating func send(stream: UInt16, ppid: UInt32, payload: [UInt8], options: SCTPSendOptions = .init(),
                              bufferedBytes: Int? = nil, now: Instant) -> Bool {
        lastNow = now
        guard acceptsMessages, !payload.isEmpty else { return false }
        let buffered = bufferedBytes ?? payload.count
        let expiry = options.lifetime.map { now + $0 }
        pending.append(OutgoingMessage(stream: stream, ppid: ppid, payload: payload, bufferedBytes: buffered,
                                       options: options, expiry: expiry, id: nextMessageID))
        nextMessageID &+= 1
        bufferedPerStream[stream, default: 0] += buffered
        pendingPerStream[stream, default: 0] += 1
        return true
    }

    private var canSendData: Bool {
        switch state {
        case .established, .shutdownPending, .shutdownReceived: true
        default: false
        }
    }

    /// Builds the next packet: control chunks, then a SACK if one is due (or can ride along), then
    /// retransmissions, then new data, as far as the MTU and the windows allow (RFC 9260 §6.1, §6.10).
    mutating func buildPacket(now: Instant) -> [UInt8]? {
        guard state != .terminated, peerTag != 0 else { return nil }
        let wantsData = canSendData && (hasRetransmissionReady || (!pending.isEmpty && flightSize < congestionWindow))
        let wantsSack = sackNeeded && (sackNow || wantsData)
        if forwardTSNNeeded { appendForwardTSN() }
        if resetRequestNeeded { appendResetRequest(now: now) }
        guard !controlChunks.isEmpty || wantsSack || wantsData else { return nil }

        var writer = ByteWriter(capacity: mtu)
        SCTPCommonHeader.write(sourcePort: configuration.localPort, destinationPort: configuration.remotePort,
                               verificationTag: peerTag, into: &writer)
        var controlCount = 0
        for chunk in controlChunks {
            // A control chunk that does not fit waits for the next packet (the first one always goes).
            if controlCount > 0 && writer.count + chunk.encodedSize > mtu { break }
            chunk.encode(into: &writer)
            controlCount += 1
        }
        controlChunks.removeFirst(controlCount)
        if wantsSack {
            let maxBlocks = max(1, (mtu - writer.count - 16) / 4 - 4)
            let sack = SCTPChunk.sack(received.makeSack(window: advertisedWindow, maxGapBlocks: min(maxBlocks, 64)))
            if writer.count + sack.encodedSize <= mtu {
                sack.encode(into: &writer)
                sackNeeded = false
                sackNow = false
                packetsSinceSack = 0
                delayedAckDeadline = nil
            }
        }
        if canSendData {
            writeRetransmissions(into: &writer, now: now)
            writeNewData(into: &writer, now: now)
        }
        guard writer.count > SCTPPacket.headerSize else { return nil }
        SCTPCommonHeader.patchChecksum(in: &writer, packetStart: 0)
        statistics.packetsSent += 1
        statistics.bytesSent += writer.count
        return writer.takeBytes()
    }

    /// Our a_rwnd: the configured window minus what waits in reassembly (§6.2).
    var advertisedWindow: Int { max(configuration.receiveWindow - reassembly.bufferedBytes, 0) }

    var hasRetransmissionReady: Bool {
        retransmitHead < retransmitQueue.count && flightSize < congestionWindow
    }

    private mutating func writeRetransmissions(into writer: inout ByteWriter, now: Instant) {
        while retransmitHead < retransmitQueue.count {
            let tsn = retransmitQueue[retransmitHead]
            guard let index = sent.index(of: tsn), sent[index].state == .needsRetransmit else {
                retransmitHead += 1
                continue
            }
            if abandonIfExpired(at: index, now: now) {
                retransmitHead += 1
                continue
            }
            // §7.2.4 and §6.3.3 E3: retransmissions respect cwnd, except that the first packet after a
            // fast-retransmit decision or a timeout always carries at least one chunk.
            let size = sent[index].payload.count + DataChunk.headerSize
            guard writer.count + size <= mtu else { break }
            guard flightSize < congestionWindow || writer.count == SCTPPacket.headerSize else { break }
            writeData(sent[index], into: &writer)
            sent[index].state = .inFlight
            sent[index].transmissions += 1
            sent[index].lastSent = now
            flightSize += sent[index].flightBytes
            retransmitHead += 1
            if t3Deadline == nil { t3Deadline = now + rto.duration }
        }
        if retransmitHead >= retransmitQueue.count {
            retransmitQueue.removeAll(keepingCapacity: true)
            retransmitHead = 0
        }
    }

    private mutating func writeNewData(into writer: inout ByteWriter, now: Instant) {
        while let message = pending.first {
            guard flightSize < congestionWindow else { return }
            let room = mtu - writer.count - DataChunk.headerSize
            let remaining = message.payload.count - message.offset
            let size = min(room, remaining)
            // Avoid slivers: a fragment smaller than a quarter packet waits for the next packet.
            guard size > 0, size == remaining || size >= mtu / 4 else { return }
            // §6.1 A/B: the peer's window bounds new data, except one chunk may probe a zero window.
            guard size <= peerReceiveWindow || flightSize == 0 else { return }
            if message.offset == 0, let expiry = message.expiry, expiry <= now {
                // Expired before any of it was sent: dropped without using a TSN (RFC 3758 §3.5 note).
                let dropped = pending.removeFirst()
                finishPending(dropped)
                releaseBuffered(dropped.bufferedBytes, stream: dropped.stream)
                statistics.abandonedChunks += 1
                continue
            }
            let chunk = pending.withFirst { message -> SentChunk in
                if message.offset == 0 && message.options.ordered {
                    message.ssn = nextSSN[message.stream] ?? 0
                    nextSSN[message.stream] = message.ssn &+ 1
                }
                let start = message.offset
                message.offset += size
                let isLast = message.offset == message.payload.count
                // Buffered bytes are released per chunk; an empty data channel message's placeholder byte counts 0.
                let buffered = message.bufferedBytes == message.payload.count ? size
                    : (isLast ? message.bufferedBytes : 0)
                return SentChunk(tsn: nextTSN, stream: message.stream, ssn: message.ssn, ppid: message.ppid,
                                 unordered: !message.options.ordered, beginning: start == 0, ending: isLast,
                                 payload: message.payload[start..<(start + size)], bufferedBytes: buffered,
                                 messageID: message.id, maxRetransmits: message.options.maxRetransmits,
                                 expiry: message.expiry, lastSent: now)
            }
            if chunk.ending { finishPending(pending.removeFirst()) }
            writeData(chunk, into: &writer)
            sent.append(chunk)
            nextTSN &+= 1
            flightSize += chunk.flightBytes
            peerReceiveWindow = max(peerReceiveWindow - chunk.payload.count, 0)
            statistics.dataChunksSent += 1
            if rttProbe == nil { rttProbe = (chunk.tsn, now) }
            if t3Deadline == nil { t3Deadline = now + rto.duration }
        }
    }

    /// Bookkeeping when a message leaves the pending queue (all of it has TSNs, or it was dropped).
    mutating func finishPending(_ message: OutgoingMessage) {
        let count = (pendingPerStream[message.stream] ?? 1) - 1
        pendingPerStream[message.stream] = count > 0 ? count : nil
    }

    private func writeData(_ chunk: SentChunk, into writer: inout ByteWriter) {
        let length = DataChunk.headerSize + chunk.payload.count
        writer.write(SCTPChunk.Kind.data)
        writer.write((chunk.unordered ? 0x04 : 0) | (chunk.beginning ? 0x02 : 0) | (chunk.ending ? 0x01 : 0) as UInt8)
        writer.write(UInt16(length))
        writer.write(chunk.tsn)
        writer.write(chunk.stream)
        writer.write(chunk.ssn)
        writer.write(chunk.ppid)
        writer.write(bytes: chunk.payload)
        writer.writeZeros(paddingToWord(length))
    }
}
