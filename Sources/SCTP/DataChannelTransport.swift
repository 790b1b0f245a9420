import Wire

/// WebRTC data channels over one SCTP association (RFC 8831) with DCEP (RFC 8832): the sans-IO engine that
/// `Peer` feeds with DTLS application data. One per DTLS association.
///
/// Stream ids follow the DTLS role (RFC 8832 §6): the DTLS client takes even ids, the server odd ones. Both roles
/// send INIT on `connect` (as libwebrtc does); the association resolves the collision with a peer that does the
/// same, and simply answers a peer that sends INIT from one side only (aiortc).
public struct DataChannelTransport {
    struct Channel {
        var options: DataChannelOptions
        var state: DataChannelState
        var remotelyCreated: Bool
        /// The peer confirmed the channel (ACK received, or it opened it, or it is negotiated): until then
        /// messages go ordered (RFC 8832 §6).
        var confirmed: Bool
        var announced = false
        var incomingReset = false
        var outgoingReset = false
        var messagesSent = 0, bytesSent = 0, messagesReceived = 0, bytesReceived = 0
        var lowThreshold = 0
        var aboveThreshold = false
    }

    var association: SCTPAssociation
    let configuration: SCTPConfiguration
    let isDTLSClient: Bool
    var channels: [UInt16: Channel] = [:]
    var nextStreamID: UInt16
    var output = OutputQueue<DataChannelEvent>()

    /// A transport for one DTLS association; `isDTLSClient` decides the parity of the ids it picks.
    public init(configuration: SCTPConfiguration, isDTLSClient: Bool, random: inout some RandomNumberGenerator) {
        self.configuration = configuration
        self.isDTLSClient = isDTLSClient
        association = SCTPAssociation(configuration: configuration, random: &random)
        nextStreamID = isDTLSClient ? 0 : 1
    }

    /// Starts the SCTP handshake; call when DTLS is connected.
    public mutating func connect(now: Instant) {
        association.connect(now: now)
        drainAssociation(now: now)
    }

    /// Handles one DTLS application-data record: one SCTP packet.
    public mutating func handle(packet: ArraySlice<UInt8>, now: Instant) {
        association.handle(packet: packet, now: now)
        drainAssociation(now: now)
    }

    /// Runs due timers.
    public mutating func handleTimeout(now: Instant) {
        association.handleTimeout(now: now)
        drainAssociation(now: now)
    }

    /// When `handleTimeout` is next wanted.
    public func nextDeadline() -> Instant? { association.nextDeadline() }

    /// The next packet to send or event to report; nil when drained.
    public mutating func pollOutput() -> DataChannelOutput? {
        if let event = output.next() { return .event(event) }
        if let packet = association.pollTransmit() {
            // Building a packet can abandon expired messages or hand the last queued message of a closing stream
            // its TSN: their consequences (buffered amounts, a reset request) are picked up here.
            association.afterInput(now: association.lastNow)
            drainAssociation(now: association.lastNow)
            return .transmit(packet)
        }
        return nil
    }

    /// Association statistics.
    public var stats: SCTPStats { association.stats }

    /// The association's state.
    public var associationState: SCTPAssociation.State { association.state }

    /// A snapshot of channel `id`, nil when there is none.
    public func channel(_ id: UInt16) -> DataChannelInfo? {
        guard let channel = channels[id] else { return nil }
        return DataChannelInfo(id: id, options: channel.options, state: channel.state,
                               remotelyCreated: channel.remotelyCreated, messagesSent: channel.messagesSent,
                               bytesSent: channel.bytesSent, messagesReceived: channel.messagesReceived,
                               bytesReceived: channel.bytesReceived,
                               bufferedAmount: association.bufferedAmount(stream: id),
                               bufferedAmountLowThreshold: channel.lowThreshold)
    }

    /// Ids of every channel not yet closed.
    public var channelIDs: [UInt16] { channels.keys.sorted() }

    /// Bytes accepted by `send` on channel `id` and not yet acknowledged or abandoned.
    public func bufferedAmount(of id: UInt16) -> Int { association.bufferedAmount(stream: id) }

    /// Sets the threshold at or below which `bufferedAmountLow` fires for channel `id`.
    public mutating func setBufferedAmountLowThreshold(_ bytes: Int, for id: UInt16) {
        guard channels[id] != nil else { return }
        channels[id]?.lowThreshold = max(bytes, 0)
        channels[id]?.aboveThreshold = association.bufferedAmount(stream: id) > max(bytes, 0)
    }

    /// Creates a channel and returns its id. An in-band channel's DATA_CHANNEL_OPEN is queued at once and goes out
    /// when the association is up; messages sent meanwhile follow it on the same stream.
    public mutating func createDataChannel(_ options: DataChannelOptions, now: Instant)
        throws(DataChannelError) -> UInt16 {
        guard association.acceptsMessages else { throw .associationClosed }
        guard options.maxRetransmits == nil || options.maxPacketLifeTime == nil else {
            throw .conflictingReliability
        }
        let id: UInt16
        if let requested = options.id {
            guard channels[requested] == nil else { throw .idInUse(requested) }
            guard requested < association.outboundStreamCount, requested != .max else { throw .noStreamAvailable }
            id = requested
        } else {
            guard !options.negotiated else { throw .negotiatedWithoutID }
            id = try freeStreamID()
        }
        var stored = options
        stored.id = id
        channels[id] = Channel(options: stored, state: .connecting, remotelyCreated: false,
                               confirmed: options.negotiated)
        if !options.negotiated {
            association.send(stream: id, ppid: DCEPMessage.ppid, payload: DCEPMessage.open(stored).encoded,
                             bufferedBytes: 0, now: now)
        }
        if association.isEstablished { announce(id) }
        drainAssociation(now: now)
        return id
    }

    private mutating func freeStreamID() throws(DataChannelError) -> UInt16 {
        let limit = min(UInt32(association.outboundStreamCount), 65534)
        var candidate = UInt32(nextStreamID)
        var tried: UInt32 = 0
        while tried < limit {
            if candidate >= limit { candidate = isDTLSClient ? 0 : 1 }
            if channels[UInt16(candidate)] == nil {
                nextStreamID = UInt16(truncatingIfNeeded: candidate + 2)
                return UInt16(candidate)
            }
            candidate += 2
            tried += 2
        }
        throw .noStreamAvailable
    }

    /// Sends one message on channel `id`.
    public mutating func send(_ message: DataChannelMessage, on id: UInt16, now: Instant) throws(DataChannelError) {
        guard let channel = channels[id] else { throw .unknownChannel(id) }
        guard channel.state == .open || channel.state == .connecting else { throw .channelClosed(id) }
        guard association.acceptsMessages else { throw .associationClosed }
        let size = message.byteCount
        let limit = configuration.remoteMaxMessageSize
        guard limit == 0 || size <= limit else { throw .messageTooLarge(size: size, limit: limit) }
        let ppid: UInt32
        var payload: [UInt8]
        switch message {
        case let .text(text):
            payload = Array(text.utf8)
            ppid = payload.isEmpty ? 56 : 51
        case let .binary(bytes):
            payload = bytes
            ppid = payload.isEmpty ? 57 : 53
        }
        // RFC 8831 §6.6: an empty message is sent as one zero byte under the "empty" PPID.
        if payload.isEmpty { payload = [0] }
        let options = SCTPSendOptions(
            ordered: channel.options.ordered || !channel.confirmed,
            maxRetransmits: channel.options.maxRetransmits,
            lifetime: channel.options.maxPacketLifeTime.map { .milliseconds(Int64($0)) })
        association.send(stream: id, ppid: ppid, payload: payload, options: options, bufferedBytes: size, now: now)
        channels[id]?.messagesSent += 1
        channels[id]?.bytesSent += size
        if association.bufferedAmount(stream: id) > channel.lowThreshold { channels[id]?.aboveThreshold = true }
        drainAssociation(now: now)
    }

    /// Closes channel `id` by resetting its outgoing stream; the peer resets its side too, and `closed` follows
    /// (RFC 8831 §6.7).
    public mutating func close(channel id: UInt16, now: Instant) {
        guard let channel = channels[id], channel.state == .open || channel.state == .connecting else { return }
        guard association.isEstablished else {
            channels[id] = nil
            if channel.announced { output.append(.closed(id: id)) }
            return
        }
        channels[id]?.state = .closing
        association.resetStreams([id], now: now)
        drainAssociation(now: now)
    }

    /// Shuts the association down gracefully (RFC 9260 §9.2) after queued data is delivered.
    public mutating func shutdown(now: Instant) {
        association.shutdown(now: now)
        drainAssociation(now: now)
    }

    /// Aborts the association, telling the peer `reason`.
    public mutating func abort(reason: String, now: Instant) {
        association.abort(reason: reason, now: now)
        drainAssociation(now: now)
    }
}
