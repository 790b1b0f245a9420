import DTLS
import ICE
import RTP
import SDP
import Wire

/// The transport below media: demultiplexing datagrams (RFC 7983) to ICE, DTLS and SRTP, and turning their
/// outputs into this peer's outputs and connection state.
extension Peer {
    /// Feeds one datagram that arrived on one of the runtime's sockets.
    public mutating func handle(_ datagram: Datagram, now: Instant) {
        lastNow = now
        // STUN and TURN servers' answers stay in ICE; data relayed by TURN comes back unwrapped.
        let unwrapped = ice.receive(datagram, now: now)
        drainICE(now: now)
        if let unwrapped { handleUnwrapped(unwrapped, now: now) }
    }

    /// Demultiplexes one datagram from the peer (RFC 7983) to ICE, DTLS or SRTP.
    mutating func handleUnwrapped(_ datagram: Datagram, now: Instant) {
        switch DatagramKind(classifying: datagram.payload) {
        case .stun:
            ice.handleConnectivityCheck(datagram, now: now)
            drainICE(now: now)
            // A check may just have validated the path a kept DTLS record came on.
            replayEarlyDTLS(now: now)
        case .dtls:
            // DTLS is accepted only from a path ICE has validated: anyone else could otherwise start a handshake
            // with us. The peer's ClientHello can overtake its answer, or our own check on that path, so a few
            // records are kept until DTLS is set up and the path is valid rather than lost to a retransmission.
            guard let dtls, ice.hasValidPair(local: datagram.local, remote: datagram.remote) else {
                if earlyDTLS.count < 8 { earlyDTLS.append(datagram) }
                return
            }
            // A failure is also reported as an event, which drainDTLS turns into the peer's failure; a record
            // after close is simply dropped.
            try? dtls.handle(datagram: datagram.payload, now: now)
            drainDTLS(now: now)
        case .rtp:
            receiveRTP(datagram.payload)
        case .rtcp:
            receiveRTCP(datagram.payload)
        case .zrtp, .turnChannelData, .unknown:
            return
        }
    }

    /// Replays the DTLS records kept while DTLS was not set up or their path was not valid yet.
    mutating func replayEarlyDTLS(now: Instant) {
        guard dtls != nil, !earlyDTLS.isEmpty else { return }
        let early = earlyDTLS
        earlyDTLS = []
        for datagram in early { handleUnwrapped(datagram, now: now) }
    }

    /// Sends a datagram of DTLS or SRTP: through ICE when it leaves from a relayed candidate (TURN wraps it).
    mutating func transmit(_ datagram: Datagram) {
        guard ice.isRelayed(datagram.local) else {
            outputs.append(.transmit(datagram))
            return
        }
        ice.send(datagram, now: lastNow)
        for event in drainICEOutputs() { handleICEEvent(event, now: lastNow) }
    }

    /// Creates the DTLS session once the role and the remote fingerprint are known; the client starts its handshake
    /// when ICE has a path.
    mutating func startTransport(now: Instant) {
        guard let dtlsRole, let remoteFingerprint else { return }
        if dtls == nil {
            do {
                dtls = try DTLSEndpoint(role: dtlsRole, certificate: certificate, remoteFingerprint: remoteFingerprint,
                                        profiles: configuration.srtpProfiles)
            } catch {
                fail(PeerError(.dtlsFailed, "DTLS could not be set up: \(error)", underlying: error))
                return
            }
            if connectionState == .new { setConnectionState(.connecting) }
            replayEarlyDTLS(now: now)
        }
        startDataChannels(now: now)
        if dtlsRole == .client, ice.selectedPair != nil, !dtlsStarted, let dtls {
            dtlsStarted = true
            dtls.start(now: now)
            drainDTLS(now: now)
        }
    }

    /// Moves the ICE agent's outputs into this peer's.
    mutating func drainICE(now: Instant) {
        for event in drainICEOutputs() { handleICEEvent(event, now: now) }
    }

    /// What one ICE event means for the peer.
    mutating func handleICEEvent(_ event: ICEAgent.Event, now: Instant) {
        switch event {
        case let .localCandidate(candidate):
            guard let first = transceivers.first?.mid ?? dataMid else { return }
            emit(.localCandidate(Self.sdpCandidate(candidate), mid: first, mLineIndex: 0))
        case .gatheringComplete:
            emit(.localCandidatesComplete)
        case let .stateChanged(state):
            emit(.iceStateChanged(state))
            switch state {
            case .checking where connectionState == .new:
                setConnectionState(.connecting)
            case .disconnected where connectionState == .connected:
                setConnectionState(.disconnected)
            case .connected, .completed:
                if connectionState == .disconnected { setConnectionState(.connected) }
            case .failed:
                fail(PeerError(.iceFailed, "ICE failed: \(ice.failureReason ?? "no working path")"))
            default:
                break
            }
        case let .selectedPairChanged(pair):
            emit(.selectedPairChanged(pair))
            if dtlsDeadline == nil { dtlsDeadline = now + configuration.dtlsHandshakeTimeout }
            startTransport(now: now)
            replayEarlyDTLS(now: now)
        case .roleChanged:
            break
        case let .serverError(sentence):
            emit(.iceServerError(sentence))
        }
    }

    /// Queues the agent's datagrams as outputs and returns its events.
    mutating func drainICEOutputs() -> [ICEAgent.Event] {
        var events: [ICEAgent.Event] = []
        while let output = ice.pollOutput() {
            switch output {
            case let .transmit(datagram): outputs.append(.transmit(datagram))
            case let .stream(command): outputs.append(.stream(command))
            case let .event(event): events.append(event)
            }
        }
        return events
    }

    /// Where DTLS and SRTP go: the selected ICE pair only (DTLS is bound to ICE).
    var mediaPath: (local: TransportAddress, remote: TransportAddress)? {
        ice.selectedPair.map { ($0.local.base, $0.remote.address) }
    }

    mutating func drainDTLS(now: Instant) {
        guard let dtls, let role = dtlsRole else { return }
        var received: [[UInt8]] = []
        while let output = dtls.pollOutput() {
            switch output {
            case let .transmit(bytes):
                if let path = mediaPath {
                    transmit(Datagram(local: path.local, remote: path.remote, payload: bytes))
                }
            case let .event(.connected(keys, profile)):
                setUpSRTP(keys: keys, profile: profile, role: role)
                connectDataChannels(now: now)
            case let .event(.failed(error)):
                fail(PeerError(.dtlsFailed, "DTLS failed: \(error)", underlying: error))
            case .event(.closed):
                setConnectionState(.closed)
            case let .event(.applicationData(packet)):
                received.append(packet)
            }
        }
        // After the loop: the association's answers go back into DTLS, whose records this loop would drain.
        for packet in received { receiveSCTP(packet, now: now) }
    }

    /// SRTP contexts from the exported keys (RFC 5764 §4.2): this side writes with its own role's key and reads
    /// with the other's.
    mutating func setUpSRTP(keys: SRTPKeyingMaterial, profile: SRTPProtectionProfile, role: DTLSRole) {
        do {
            outbound = try PeerSRTPContext(profile: profile, masterKey: keys.localKey(for: role),
                                           masterSalt: keys.localSalt(for: role), direction: .outbound)
            inbound = try PeerSRTPContext(profile: profile, masterKey: keys.remoteKey(for: role),
                                          masterSalt: keys.remoteSalt(for: role), direction: .inbound)
        } catch {
            fail(PeerError(.srtpFailed, "SRTP could not be set up from the DTLS keys", underlying: error))
            return
        }
        negotiatedProfile = profile
        emit(.dtlsConnected(profile: profile.description))
        setConnectionState(.connected)
    }
}
