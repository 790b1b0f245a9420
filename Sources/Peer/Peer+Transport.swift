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
        switch DatagramKind(classifying: datagram.payload) {
        case .stun:
            ice.handle(datagram, now: now)
            drainICE(now: now)
        case .dtls:
            guard let dtls else {
                // The remote side's ClientHello can overtake its answer: ICE checks already succeed for the
                // answerer before the offerer has the answer. Keep a few records for when DTLS is set up rather
                // than lose them to a one-second retransmission.
                if earlyDTLS.count < 8 { earlyDTLS.append(datagram) }
                return
            }
            dtlsPeerAddress = dtlsPeerAddress ?? datagram
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
            let early = earlyDTLS
            earlyDTLS = []
            for datagram in early { handle(datagram, now: now) }
        }
        if dtlsRole == .client, ice.selectedPair != nil, !dtlsStarted, let dtls {
            dtlsStarted = true
            dtls.start(now: now)
            drainDTLS(now: now)
        }
    }

    /// Moves the ICE agent's outputs into this peer's.
    mutating func drainICE(now: Instant) {
        for event in drainICEOutputs() {
            switch event {
            case let .localCandidate(candidate):
                guard let first = transceivers.first else { continue }
                emit(.localCandidate(Self.sdpCandidate(candidate), mid: first.mid, mLineIndex: 0))
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
                startTransport(now: now)
            case .roleChanged:
                break
            }
        }
    }

    /// Queues the agent's datagrams as outputs and returns its events.
    mutating func drainICEOutputs() -> [ICEAgent.Event] {
        var events: [ICEAgent.Event] = []
        while let output = ice.pollOutput() {
            switch output {
            case let .transmit(datagram): outputs.append(.transmit(datagram))
            case let .event(event): events.append(event)
            }
        }
        return events
    }

    /// Where DTLS and SRTP go: the selected ICE pair, or before that the address the peer's DTLS came from.
    var mediaPath: (local: TransportAddress, remote: TransportAddress)? {
        if let pair = ice.selectedPair { return (pair.local.base, pair.remote.address) }
        if let seen = dtlsPeerAddress { return (seen.local, seen.remote) }
        return nil
    }

    mutating func drainDTLS(now: Instant) {
        guard let dtls, let role = dtlsRole else { return }
        while let output = dtls.pollOutput() {
            switch output {
            case let .transmit(bytes):
                if let path = mediaPath {
                    outputs.append(.transmit(Datagram(local: path.local, remote: path.remote, payload: bytes)))
                }
            case let .event(.connected(keys, profile)):
                setUpSRTP(keys: keys, profile: profile, role: role)
            case let .event(.failed(error)):
                fail(PeerError(.dtlsFailed, "DTLS failed: \(error)", underlying: error))
            case .event(.closed):
                setConnectionState(.closed)
            case .event(.applicationData):
                break  // no data channels: DTLS application data has no consumer
            }
        }
    }

    /// SRTP contexts from the exported keys (RFC 5764 §4.2): this side writes with its own role's key and reads
    /// with the other's.
    mutating func setUpSRTP(keys: SRTPKeyingMaterial, profile: SRTPProtectionProfile, role: DTLSRole) {
        do {
            outbound = try SRTPContext(profile: profile, masterKey: keys.localKey(for: role),
                                       masterSalt: keys.localSalt(for: role), direction: .outbound)
            inbound = try SRTPContext(profile: profile, masterKey: keys.remoteKey(for: role),
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
