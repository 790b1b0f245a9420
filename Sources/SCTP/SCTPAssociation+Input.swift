import Wire

extension SCTPAssociation {
    /// Handles one received SCTP packet (one DTLS application-data record).
    ///
    /// Packets with a bad checksum, a wrong verification tag (RFC 9260 §8.5) or unparsable chunks are dropped
    /// and counted; nothing a peer sends can trap.
    public mutating func handle(packet: ArraySlice<UInt8>, now: Instant) {
        lastNow = now
        guard state != .terminated else {
            answerAfterTermination(packet)
            return
        }
        guard let header = try? SCTPCommonHeader(parsing: packet, verifyChecksum: true),
              packet.count >= SCTPPacket.headerSize + 4 else {
            statistics.packetsDropped += 1
            return
        }
        var reader = ByteReader(packet.dropFirst(SCTPPacket.headerSize))
        guard acceptsTag(header.verificationTag, firstChunk: reader.remainingBytes) else {
            statistics.packetsDropped += 1
            return
        }
        statistics.packetsReceived += 1
        statistics.bytesReceived += packet.count
        var carriedData = false
        while !reader.isAtEnd, state != .terminated {
            let chunkStart = reader.remainingBytes
            guard let chunk = try? SCTPChunk(reading: &reader) else {
                statistics.packetsDropped += 1
                break
            }
            if case .data = chunk { carriedData = true }
            if !dispatch(chunk, raw: chunkStart.prefix(chunkStart.count - reader.remaining), now: now) { break }
        }
        if carriedData { dataPacketReceived(now: now) }
        afterInput(now: now)
    }

    /// Work common to every input: deferred stream resets, shutdown progress, events.
    mutating func afterInput(now: Instant) {
        guard state != .terminated else {
            flushDecreasedStreams()
            return
        }
        performDeferredResetIfReady()
        progressShutdown(now: now)
        flushDecreasedStreams()
    }

    /// §8.4 item 5: a SHUTDOWN ACK arriving after we finished (our SHUTDOWN COMPLETE was lost) is answered with a
    /// SHUTDOWN COMPLETE with the T bit, so the peer does not time out.
    private mutating func answerAfterTermination(_ packet: ArraySlice<UInt8>) {
        guard peerTag != 0, packet.count >= SCTPPacket.headerSize + 4,
              packet[packet.startIndex + SCTPPacket.headerSize] == SCTPChunk.Kind.shutdownAck,
              let header = try? SCTPCommonHeader(parsing: packet, verifyChecksum: true),
              header.verificationTag == localTag else { return }
        enqueuePacket(tag: localTag, [.shutdownComplete(tagReflected: true)])
    }

    /// RFC 9260 §8.5 and §8.5.1: which verification tag a packet must carry depends on its first chunk.
    private func acceptsTag(_ tag: UInt32, firstChunk: ArraySlice<UInt8>) -> Bool {
        guard let type = firstChunk.first else { return false }
        let flags = firstChunk.dropFirst().first ?? 0
        switch type {
        case SCTPChunk.Kind.initiation:
            return tag == 0
        case SCTPChunk.Kind.abort, SCTPChunk.Kind.shutdownComplete:
            // §8.5.1: with the T bit set the sender had no association and used the tag it knows as its own.
            return flags & 1 != 0 ? (tag == peerTag && peerTag != 0) : tag == localTag
        default:
            return tag == localTag
        }
    }

    /// Handles one chunk; false when the rest of the packet must be ignored.
    private mutating func dispatch(_ chunk: SCTPChunk, raw: ArraySlice<UInt8>, now: Instant) -> Bool {
        switch chunk {
        case let .data(data): receiveData(data, now: now)
        case let .initiation(initChunk): receiveInit(initChunk, now: now)
        case let .initiationAck(initChunk): receiveInitAck(initChunk, now: now)
        case let .sack(sack): receiveSack(sack, now: now)
        case let .heartbeat(info):
            if peerTag != 0 { controlChunks.append(.heartbeatAck(info: ArraySlice(Array(info)))) }
        case let .heartbeatAck(info): receiveHeartbeatAck(info, now: now)
        case let .abort(abort):
            let reason = abort.causes.map(\.description).joined(separator: "; ")
            terminate(.abortedByPeer(reason: reason))
            return false
        case let .shutdown(cumulativeTSNAck): receiveShutdown(cumulativeTSNAck: cumulativeTSNAck, now: now)
        case .shutdownAck: receiveShutdownAck(now: now)
        case .error: break  // Operational errors are informational (§3.3.10); nothing here depends on them.
        case let .cookieEcho(cookie): receiveCookieEcho(cookie, now: now)
        case .cookieAck: receiveCookieAck(now: now)
        case .shutdownComplete:
            if state == .shutdownAckSent { terminate(nil) }
        case let .forwardTSN(forward): receiveForwardTSN(forward, now: now)
        case let .reconfig(reconfig): receiveReconfig(reconfig, now: now)
        case let .unknown(type, _, _):
            // §3.2: the upper two bits of an unrecognized type say whether to go on and whether to report it.
            if type & 0x40 != 0, peerTag != 0 {
                controlChunks.append(.error(causes: [ErrorCause(code: ErrorCause.unrecognizedChunkType,
                                                                info: ArraySlice(Array(raw)))]))
            }
            return type & 0x80 != 0
        }
        return true
    }
}
