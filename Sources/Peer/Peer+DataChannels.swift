import DTLS
import SCTP
import SDP
import Wire

/// Data channels (RFC 8831): one SCTP association carried in DTLS application data on the bundled transport,
/// negotiated by an `m=application ... UDP/DTLS/SCTP webrtc-datachannel` section (RFC 8841), with channels opened
/// by DCEP (RFC 8832). The association starts when DTLS connects; what it reports reaches the owner as
/// `PeerEvent.dataChannel`.
extension Peer {
    /// LinkUp's `a=max-message-size` (RFC 8841 §6): what the association reassembles; Chromium offers the same.
    public static let maxDataChannelMessageSize = 262_144

    /// Opens a data channel. Before the association exists (the offer/answer is not done yet) the request is kept
    /// and the channel is created when it starts: nil is returned then, and the channel's id arrives with its
    /// `opened` event (match it by label). A channel asked for before the first offer also puts an
    /// `m=application` section into that offer, as JSEP's `createDataChannel` does.
    @discardableResult
    public mutating func createDataChannel(_ options: DataChannelOptions, now: Instant) throws(PeerError) -> UInt16? {
        lastNow = now
        guard connectionState != .closed, connectionState != .failed else {
            throw PeerError(.invalidState, "cannot open a data channel on a \(connectionState.rawValue) connection")
        }
        guard sctp != nil else {
            pendingDataChannels.append(options)
            return nil
        }
        // `sctp!` mutates the association in place; a local copy would copy its queues on every call.
        do {
            let id = try sctp!.createDataChannel(options, now: now)
            drainSCTP(now: now)
            return id
        } catch {
            throw PeerError(.dataChannelFailed, "could not open data channel \"\(options.label)\": \(error)",
                            underlying: error)
        }
    }

    /// Sends one message on channel `id` (reliability and order as the channel was opened with).
    public mutating func sendData(_ message: DataChannelMessage, on id: UInt16, now: Instant) throws(PeerError) {
        lastNow = now
        guard sctp != nil else {
            throw PeerError(.dataChannelFailed, "no data channel is open yet (the association starts once DTLS " +
                            "connects)")
        }
        do {
            try sctp!.send(message, on: id, now: now)
        } catch {
            throw PeerError(.dataChannelFailed, "could not send on data channel \(id): \(error)", underlying: error)
        }
        drainSCTP(now: now)
    }

    /// Closes channel `id` (an SCTP stream reset, RFC 8831 §6.7); `closed` follows once both directions are reset.
    public mutating func closeDataChannel(_ id: UInt16, now: Instant) {
        lastNow = now
        sctp?.close(channel: id, now: now)
        drainSCTP(now: now)
    }

    /// Bytes accepted by `sendData` on channel `id` and not yet acknowledged (RTCDataChannel.bufferedAmount).
    public func bufferedAmount(of id: UInt16) -> Int { sctp?.bufferedAmount(of: id) ?? 0 }

    /// Sets the level at or below which `bufferedAmountLow` is reported for channel `id`.
    public mutating func setBufferedAmountLowThreshold(_ bytes: Int, for id: UInt16) {
        sctp?.setBufferedAmountLowThreshold(bytes, for: id)
    }

    /// What is known of channel `id`: label, state, counters.
    public func dataChannel(_ id: UInt16) -> DataChannelInfo? { sctp?.channel(id) }

    /// The association's counters (nil without data channels).
    public var dataChannelStats: SCTPStats? { sctp?.stats }

    /// Whether data channels were negotiated in the current offer/answer.
    public var hasDataChannels: Bool { dataMid != nil }

    // MARK: Negotiation

    /// The data channel section of a description this side writes (RFC 8841 §5): the same transport attributes as
    /// the media sections, `a=sctp-port` and `a=max-message-size`.
    func dataSection(mid: Mid, setup: SetupRole) -> MediaDescription {
        var section = MediaDescription.dataChannel(sctpPort: 5000,
                                                   maxMessageSize: UInt64(Self.maxDataChannelMessageSize))
        setTransportAttributes(of: &section, mid: mid, setup: setup)
        return section
    }

    /// Whether a remote section is a data channel section LinkUp can take (RFC 8841 §4: UDP/DTLS/SCTP or
    /// TCP/DTLS/SCTP with the `webrtc-datachannel` format).
    static func isDataChannelSection(_ section: MediaDescription) -> Bool {
        section.kind == .application && section.port != 0 && section.proto.uppercased().hasSuffix("DTLS/SCTP")
            && section.formats.contains("webrtc-datachannel")
    }

    /// Reads the remote side's SCTP port and message size limit from its data channel section (RFC 8841 §6: no
    /// `a=max-message-size` means 64 KiB, 0 means no limit).
    mutating func applyRemoteDataSection(_ section: MediaDescription) {
        remoteSCTPPort = section.sctpPort ?? 5000
        switch section.maxMessageSize {
        case nil: remoteMaxMessageSize = 65_536
        case 0: remoteMaxMessageSize = Int.max
        case let size?: remoteMaxMessageSize = Int(clamping: size)
        }
    }

    // MARK: Transport

    /// Creates the association once the DTLS role is known (the DTLS client takes even stream ids), with the
    /// channels asked for before.
    mutating func startDataChannels(now: Instant) {
        guard dataMid != nil, sctp == nil, let dtlsRole else { return }
        var configuration = SCTPConfiguration()
        configuration.remotePort = remoteSCTPPort
        configuration.maxMessageSize = Self.maxDataChannelMessageSize
        configuration.remoteMaxMessageSize = remoteMaxMessageSize
        var generator = SeededGenerator(seed: random.next())
        var transport = DataChannelTransport(configuration: configuration, isDTLSClient: dtlsRole == .client,
                                             random: &generator)
        for options in pendingDataChannels {
            do {
                _ = try transport.createDataChannel(options, now: now)
            } catch {
                emit(.dataChannel(.failed(.abortedLocally(reason: "could not open \"\(options.label)\": \(error)"))))
            }
        }
        pendingDataChannels = []
        sctp = transport
        if dtls?.state == .connected { sctp?.connect(now: now) }
        drainSCTP(now: now)
    }

    /// DTLS connected: the association's INIT goes out.
    mutating func connectDataChannels(now: Instant) {
        sctp?.connect(now: now)
        drainSCTP(now: now)
    }

    /// One DTLS application-data record: one SCTP packet.
    mutating func receiveSCTP(_ packet: [UInt8], now: Instant) {
        guard sctp != nil else { return }
        sctp?.handle(packet: packet[...], now: now)
        drainSCTP(now: now)
    }

    /// Sends the association's packets as DTLS records and reports its events.
    mutating func drainSCTP(now: Instant) {
        var sent = false
        while let output = sctp?.pollOutput() {
            switch output {
            case let .transmit(packet):
                guard let dtls else { continue }
                do {
                    try dtls.send(applicationData: packet)
                    sent = true
                } catch {
                    // A record DTLS cannot write now (closing) is lost like a dropped datagram; SCTP resends.
                    continue
                }
            case let .event(event):
                emit(.dataChannel(event))
            }
        }
        if sent { drainDTLS(now: now) }
    }
}
