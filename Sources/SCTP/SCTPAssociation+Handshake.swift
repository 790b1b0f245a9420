import Wire

extension SCTPAssociation {
    /// Our INIT or INIT ACK parameters: PR-SCTP and stream reconfiguration (RFC 8831 §6.2 requires both).
    private func initChunk(cookie: [UInt8]?) -> InitChunk {
        var parameters: [InitParameter] = []
        if let cookie { parameters.append(.stateCookie(cookie[...])) }
        parameters.append(.supportedExtensions([SCTPChunk.Kind.reconfig, SCTPChunk.Kind.forwardTSN]))
        parameters.append(.forwardTSNSupported)
        return InitChunk(initiateTag: localTag, advertisedReceiverWindow: UInt32(clamping: configuration.receiveWindow),
                         outboundStreams: .max, inboundStreams: .max, initialTSN: initialTSN,
                         parameters: parameters)
    }

    /// Sends INIT (RFC 9260 §5.1 A) unless a handshake is already under way or done.
    public mutating func connect(now: Instant) {
        lastNow = now
        guard state == .closed else { return }
        state = .cookieWait
        t1Attempts = 0
        t1Timeout = configuration.rtoInitial
        sendInit(now: now)
    }

    private mutating func sendInit(now: Instant) {
        enqueuePacket(tag: 0, [.initiation(initChunk(cookie: nil))])
        t1Deadline = now + t1Timeout
        t1Sent = now
    }

    /// Encodes `chunks` as one packet now, outside the lazy bundling (handshake packets).
    mutating func enqueuePacket(tag: UInt32, _ chunks: [SCTPChunk]) {
        let packet = SCTPPacket(sourcePort: configuration.localPort, destinationPort: configuration.remotePort,
                                verificationTag: tag, chunks: chunks)
        let bytes = packet.encoded
        statistics.packetsSent += 1
        statistics.bytesSent += bytes.count
        readyPackets.append(bytes)
    }

    /// INIT: answered with an INIT ACK carrying a signed cookie, in every state before the end (§5.1 B, §5.2.1,
    /// §5.2.2). No state is kept; a collision (our INIT crossed theirs) resolves when a COOKIE ECHO arrives.
    mutating func receiveInit(_ chunk: InitChunk, now: Instant) {
        guard chunk.initiateTag != 0, chunk.outboundStreams > 0, chunk.inboundStreams > 0 else { return }
        switch state {
        case .shutdownAckSent, .terminated: return
        default: break
        }
        let cookie = StateCookie(localTag: localTag, peer: chunk, created: now).encoded(key: cookieKey)
        enqueuePacket(tag: chunk.initiateTag, [.initiationAck(initChunk(cookie: cookie))])
    }

    /// INIT ACK: in COOKIE-WAIT, adopt the peer's parameters and echo its cookie (§5.1 C); elsewhere it is a late
    /// duplicate and is discarded (§5.2.3).
    mutating func receiveInitAck(_ chunk: InitChunk, now: Instant) {
        guard state == .cookieWait, chunk.initiateTag != 0, let cookie = chunk.stateCookie else { return }
        // The handshake gives the first round-trip sample (Karn's rule: only from an INIT sent once), so the
        // COOKIE ECHO and the first data are not stuck with RTO.Initial on a fast path.
        if t1Attempts == 0, let sent = t1Sent, sent <= now { rto.addSample(now - sent) }
        adoptPeer(tag: chunk.initiateTag, initialTSN: chunk.initialTSN, window: chunk.advertisedReceiverWindow,
                  inboundStreams: chunk.inboundStreams, forwardTSN: chunk.supportsForwardTSN,
                  reconfig: chunk.supportsReconfig)
        cookieEcho = Array(cookie)
        state = .cookieEchoed
        t1Attempts = 0
        t1Timeout = rto.duration
        sendCookieEcho(now: now)
    }

    private mutating func sendCookieEcho(now: Instant) {
        guard let cookieEcho else { return }
        enqueuePacket(tag: peerTag, [.cookieEcho(cookie: cookieEcho[...])])
        t1Deadline = now + t1Timeout
        t1Sent = now
    }

    /// COOKIE ECHO: a valid, fresh cookie naming our tag establishes the association from its contents (§5.1 D,
    /// §5.2.4 cases B and D); a repeat after establishment is answered again, as the COOKIE ACK may have been lost.
    mutating func receiveCookieEcho(_ bytes: ArraySlice<UInt8>, now: Instant) {
        guard let cookie = StateCookie(verifying: bytes, key: cookieKey), cookie.localTag == localTag,
              cookie.created <= now, now - cookie.created <= configuration.cookieLifetime else { return }
        switch state {
        case .closed, .cookieWait, .cookieEchoed:
            adoptPeer(tag: cookie.peerTag, initialTSN: cookie.peerInitialTSN, window: cookie.peerReceiveWindow,
                      inboundStreams: cookie.peerInboundStreams, forwardTSN: cookie.peerSupportsForwardTSN,
                      reconfig: cookie.peerSupportsReconfig)
            controlChunks.append(.cookieAck)
            establish(now: now)
        case .established, .shutdownPending, .shutdownReceived, .shutdownSent:
            // §5.2.4 case D: the same association; the peer lost our COOKIE ACK. A different peer tag would be a
            // restart (case A), which this stack does not support: ignored.
            if cookie.peerTag == peerTag { controlChunks.append(.cookieAck) }
        case .shutdownAckSent, .terminated:
            break
        }
    }

    /// COOKIE ACK: in COOKIE-ECHOED the handshake is done (§5.1 E).
    mutating func receiveCookieAck(now: Instant) {
        guard state == .cookieEchoed else { return }
        if t1Attempts == 0, let sent = t1Sent, sent <= now { rto.addSample(now - sent) }
        establish(now: now)
    }

    /// Takes the peer's side of the association from its INIT, INIT ACK or our cookie.
    private mutating func adoptPeer(tag: UInt32, initialTSN peerInitialTSN: UInt32, window: UInt32,
                                    inboundStreams: UInt16, forwardTSN: Bool, reconfig: Bool) {
        peerTag = tag
        received = ReceivedTSNs(cumulative: peerInitialTSN &- 1)
        // RFC 6525 §5.2.1: the first re-configuration request sequence number is the sender's initial TSN.
        peerNextResetSequence = peerInitialTSN
        peerReceiveWindow = Int(window)
        slowStartThreshold = max(Int(window), 4 * mtu)
        outboundStreamCount = inboundStreams
        peerSupportsForwardTSN = forwardTSN
        peerSupportsReconfig = reconfig
    }

    private mutating func establish(now: Instant) {
        state = .established
        t1Deadline = nil
        cookieEcho = nil
        if let interval = configuration.heartbeatInterval { heartbeatDeadline = now + interval }
        events.append(.established)
    }

    /// T1-init or T1-cookie expired: retransmit with a doubled timeout, or give up (§5.1, §6.3.3).
    mutating func t1Expired(now: Instant) {
        t1Deadline = nil
        t1Attempts += 1
        guard t1Attempts <= configuration.maxInitRetransmissions else {
            terminate(.handshakeTimedOut(attempts: t1Attempts))
            return
        }
        t1Timeout = min(t1Timeout * 2, configuration.rtoMax)
        switch state {
        case .cookieWait: sendInit(now: now)
        case .cookieEchoed: sendCookieEcho(now: now)
        default: break
        }
    }

    /// Aborts the association: an ABORT with a User-Initiated Abort cause goes to the peer (if it is known) and
    /// the association fails with `reason` (RFC 9260 §9.1).
    public mutating func abort(reason: String, now: Instant) {
        lastNow = now
        guard state != .terminated else { return }
        if peerTag != 0 {
            enqueuePacket(tag: peerTag, [.abort(AbortChunk(causes: [.userAbort(reason)]))])
        }
        terminate(.abortedLocally(reason: reason))
    }

    /// Heartbeats, when configured: one per interval carrying its send time, answered with an RTT sample.
    mutating func heartbeatExpired(now: Instant) {
        guard state == .established, let interval = configuration.heartbeatInterval else {
            heartbeatDeadline = nil
            return
        }
        var writer = ByteWriter(capacity: 12)
        writer.write(UInt16(1))  // Heartbeat Info parameter (§3.3.5)
        writer.write(UInt16(12))
        writer.write(UInt64(bitPattern: now.nanoseconds))
        controlChunks.append(.heartbeat(info: writer.bytes[...]))
        heartbeatDeadline = now + interval
    }

    mutating func receiveHeartbeatAck(_ info: ArraySlice<UInt8>, now: Instant) {
        var reader = ByteReader(info)
        guard (try? reader.u16()) == 1, (try? reader.u16()) == 12, let sent = try? reader.u64() else { return }
        // The echoed time is the peer's to forge: it gives a sample only if we send heartbeats and it lies within
        // one interval plus RTO.Max before now.
        guard let interval = configuration.heartbeatInterval else { return }
        let (elapsed, overflow) = now.nanoseconds.subtractingReportingOverflow(Int64(bitPattern: sent))
        guard !overflow, elapsed >= 0, elapsed < (interval + configuration.rtoMax).wholeNanoseconds else { return }
        rto.addSample(.nanoseconds(elapsed))
    }
}
