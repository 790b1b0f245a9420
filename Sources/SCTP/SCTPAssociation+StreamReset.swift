import Wire

extension SCTPAssociation {
    /// Resets our outgoing side of `streams` (RFC 6525 §5.1.2). The request goes out once every message already
    /// queued on them has its TSN, so nothing sent before the reset is lost; `outgoingStreamsReset` reports the
    /// peer's answer. WebRTC closes a data channel this way (RFC 8831 §6.7).
    public mutating func resetStreams(_ streams: [UInt16], now: Instant) {
        lastNow = now
        for stream in streams where !streamsToReset.contains(stream) { streamsToReset.append(stream) }
        scheduleResetRequest()
    }

    /// Marks a request as due when none is in flight and the waiting streams have no unsent messages.
    private mutating func scheduleResetRequest() {
        guard resetInFlight == nil, !streamsToReset.isEmpty, canSendReconfig else { return }
        let ready = streamsToReset.filter { pendingPerStream[$0] == nil }
        guard !ready.isEmpty else { return }
        streamsToReset.removeAll { ready.contains($0) }
        resetInFlight = (nextResetSequence, ready, nextTSN &- 1)
        nextResetSequence &+= 1
        resetRequestNeeded = true
    }

    private var canSendReconfig: Bool {
        switch state {
        // Sent even if the peer did not list RE-CONFIG: RFC 8831 §6.2 makes it mandatory for WebRTC.
        case .established, .shutdownPending, .shutdownReceived: true
        default: false
        }
    }

    /// Appends the request in flight (first sending or a retransmission) and arms its timer (§5.1.1).
    mutating func appendResetRequest(now: Instant) {
        resetRequestNeeded = false
        guard let request = resetInFlight else { return }
        controlChunks.append(.reconfig(ReconfigChunk(parameters: [
            .outgoingReset(requestSequence: request.sequence, responseSequence: peerNextResetSequence &- 1,
                           lastAssignedTSN: request.lastTSN, streams: request.streams),
        ])))
        reconfigDeadline = now + rto.duration
    }

    /// RE-CONFIG: requests from the peer and responses to ours.
    mutating func receiveReconfig(_ chunk: ReconfigChunk, now: Instant) {
        guard canReceiveReconfig else { return }
        for parameter in chunk.parameters {
            switch parameter {
            case let .outgoingReset(sequence, _, lastTSN, streams):
                receiveResetRequest(sequence: sequence, lastTSN: lastTSN, streams: streams)
            case let .response(sequence, result, _):
                receiveResetResponse(sequence: sequence, result: result, now: now)
            case let .unknown(type, _):
                // Incoming SSN, SSN/TSN reset and add-streams requests (types 14, 15, 17, 18) are refused.
                if [14, 15, 17, 18].contains(type), let sequence = requestSequence(of: parameter) {
                    respond(sequence: sequence, result: ReconfigParameter.Result.denied)
                }
            }
        }
    }

    private var canReceiveReconfig: Bool {
        switch state {
        case .established, .shutdownPending, .shutdownSent, .shutdownReceived: true
        default: false
        }
    }

    private func requestSequence(of parameter: ReconfigParameter) -> UInt32? {
        guard case let .unknown(_, value) = parameter, value.count >= 4 else { return nil }
        var reader = ByteReader(value)
        return try? reader.u32()
    }

    /// An outgoing reset from the peer resets our incoming side once every TSN up to its last assigned one has
    /// arrived (RFC 6525 §5.2.2); until then it is answered "in progress" and performed when the data is in.
    private mutating func receiveResetRequest(sequence: UInt32, lastTSN: UInt32, streams: [UInt16]) {
        if sequence == peerNextResetSequence {
            peerNextResetSequence &+= 1
            deferredPeerReset = (sequence, streams, lastTSN)
            if !performDeferredResetIfReady() {
                respond(sequence: sequence, result: ReconfigParameter.Result.inProgress)
            }
        } else if sequence == peerNextResetSequence &- 1 {
            // A retransmission: repeat the answer, or perform now if the data has meanwhile arrived.
            if deferredPeerReset?.sequence == sequence {
                if !performDeferredResetIfReady() {
                    respond(sequence: sequence, result: ReconfigParameter.Result.inProgress)
                }
            } else if let last = lastResetResponse, last.sequence == sequence {
                respond(sequence: sequence, result: last.result)
            }
        } else {
            respond(sequence: sequence, result: ReconfigParameter.Result.badSequenceNumber)
        }
    }

    /// Performs the peer's deferred reset when its data is all in; returns whether it did.
    @discardableResult
    mutating func performDeferredResetIfReady() -> Bool {
        if let request = deferredPeerReset, request.lastTSN.precedesOrEquals(received.cumulative) {
            deferredPeerReset = nil
            let streams = request.streams
            reassembly.reset(streams: streams)
            respond(sequence: request.sequence, result: ReconfigParameter.Result.performed)
            events.append(.incomingStreamsReset(streams))
            return true
        }
        scheduleResetRequest()
        return false
    }

    private mutating func respond(sequence: UInt32, result: UInt32) {
        if result != ReconfigParameter.Result.inProgress { lastResetResponse = (sequence, result) }
        controlChunks.append(.reconfig(ReconfigChunk(parameters: [
            .response(responseSequence: sequence, result: result, nextTSNs: nil),
        ])))
    }

    /// The peer's answer to our request (RFC 6525 §5.2.7): done (our SSNs restart at 0), in progress (ask again
    /// after a timeout), or refused (reported as done, since the channel is closing either way).
    private mutating func receiveResetResponse(sequence: UInt32, result: UInt32, now: Instant) {
        guard let request = resetInFlight, request.sequence == sequence else { return }
        if result == ReconfigParameter.Result.inProgress {
            reconfigDeadline = now + rto.duration
            return
        }
        resetInFlight = nil
        reconfigDeadline = nil
        for stream in request.streams { nextSSN[stream] = nil }
        events.append(.outgoingStreamsReset(request.streams))
        scheduleResetRequest()
    }
}
