import DTLS
import ICE
import RTP
import SCTP
import SDP
import Wire

/// A WebRTC PeerConnection as a sans-IO state machine: ICE + DTLS + SRTP + SDP offer/answer, BUNDLE and rtcp-mux
/// only, with audio and video transceivers (ARCHITECTURE.md).
///
/// The runtime adds a host candidate for every socket it opened, feeds every datagram that arrives on them to
/// `handle(_:now:)`, calls `handleTimeout(now:)` at `nextDeadline()`, and sends what `pollOutput()` returns. The
/// owner negotiates with `createOffer` / `createAnswer` / `setLocalDescription` / `setRemoteDescription`, trickles
/// candidates with `addRemoteCandidate`, and sends media with `sendRTP`. Works as offerer and as answerer.
public struct Peer {
    /// Where offer/answer stands (JSEP §3.2).
    public enum SignalingState: String, Sendable {
        /// No offer outstanding.
        case stable
        /// This side's offer is set; waiting for the answer.
        case haveLocalOffer
        /// The remote offer is set; this side must answer.
        case haveRemoteOffer
        /// Closed.
        case closed
    }

    /// What the peer was configured with.
    public let configuration: PeerConfiguration
    var random: any RandomNumberGenerator
    var ice: ICEAgent
    /// The DTLS endpoint (a class over OpenSSL), created once the role and the remote fingerprint are known.
    var dtls: DTLSEndpoint?
    /// The certificate this side presents in DTLS; its fingerprint goes into every description.
    public let certificate: DTLSCertificate

    /// The offer/answer state.
    public internal(set) var signalingState: SignalingState = .stable
    /// The overall connection state.
    public internal(set) var connectionState: PeerConnectionState = .new
    /// The transceivers, one per negotiated media section, in m-line order.
    public internal(set) var transceivers: [Transceiver] = []
    /// The description this side last set as its own.
    public internal(set) var localDescription: SessionDescription?
    /// The description the remote side last gave.
    public internal(set) var remoteDescription: SessionDescription?
    /// True when this side made the current offer.
    public internal(set) var isOfferer = false

    var sessionID: UInt64
    var sessionVersion: UInt64 = 1
    var pendingOffer: SessionDescription?
    /// The local description before the current offer, restored by `rollback()`.
    var previousLocalDescription: SessionDescription?
    var remoteFingerprint: DTLSFingerprint?
    var dtlsRole: DTLSRole?
    var outbound: PeerSRTPContext?
    var inbound: PeerSRTPContext?
    var ssrcToMid: [SSRC: Mid] = [:]
    var payloadTypeToMid: [PayloadType: Mid] = [:]
    var outputs = OutputQueue<PeerOutput>()
    /// Where SRTP is decrypted (reused from packet to packet), and sent buffers the runtime handed back.
    var receiveBuffer: [UInt8] = []
    var sendBuffers: [[UInt8]] = []
    var lastNow: Instant = .zero
    var dtlsStarted = false
    var earlyDTLS: [Datagram] = []
    /// DTLS must be connected by then (set when ICE first finds a path).
    var dtlsDeadline: Instant?
    /// The SRTP protection profile DTLS settled on, once connected.
    public internal(set) var negotiatedProfile: SRTPProtectionProfile?
    /// SRTP packets delivered to a transceiver.
    public internal(set) var receivedPackets = 0
    /// Packets dropped: failed authentication or replay check, unparsable, or for no transceiver.
    public internal(set) var droppedPackets = 0
    /// The data channel section's mid, when data channels are negotiated (or offered).
    public internal(set) var dataMid: Mid?
    /// The SCTP association of the data channels, from the DTLS role on.
    var sctp: DataChannelTransport?
    /// Channels asked for before the association existed.
    var pendingDataChannels: [DataChannelOptions] = []
    var remoteSCTPPort: UInt16 = 5000
    var remoteMaxMessageSize = 65_536

    /// A peer with a fresh certificate, ICE credentials and SSRCs, all drawn from `random`.
    public init(configuration: PeerConfiguration = PeerConfiguration(), random: any RandomNumberGenerator)
        throws(PeerError)
    {
        var random = random
        self.configuration = configuration
        do {
            certificate = try DTLSCertificate.generate(using: &random)
        } catch {
            throw PeerError(.dtlsFailed, "could not create the DTLS certificate", underlying: error)
        }
        sessionID = random.next() >> 2
        ice = ICEAgent(configuration: configuration.ice, random: SeededGenerator(seed: random.next()))
        self.random = random
    }

    // MARK: Candidates

    /// Adds a host candidate for a socket the runtime bound; it is trickled as a `localCandidate` event.
    public mutating func addLocalHostCandidate(_ address: TransportAddress, interfaceIndex: Int = 0, now: Instant) {
        ice.addLocalCandidate(.host(address, interfaceIndex: interfaceIndex), now: now)
        drainICE(now: now)
    }

    /// Says all host candidates have been added, and starts gathering server-reflexive and relayed candidates
    /// from the configured STUN and TURN servers; end-of-candidates follows once they have answered.
    public mutating func finishGathering(now: Instant) {
        if !configuration.iceServers.isEmpty { ice.gather(from: configuration.iceServers, now: now) }
        ice.finishGathering()
        drainICE(now: now)
    }

    /// Feeds what the runtime reports about a TCP/TLS connection to a TURN server; the peers' datagrams it
    /// carried are handled like any other.
    public mutating func handleStream(_ event: StreamEvent, now: Instant) {
        lastNow = now
        let delivered = ice.handleStream(event, now: now)
        drainICE(now: now)
        for datagram in delivered { handleUnwrapped(datagram, now: now) }
    }

    /// Adds a remote candidate that was trickled (`a=candidate` value, with or without the `candidate:` prefix);
    /// nil means end-of-candidates. mDNS (`.local`) and TCP candidates are ignored: LinkUp cannot use them yet.
    public mutating func addRemoteCandidate(_ text: String?, now: Instant) throws(PeerError) {
        guard let text else {
            ice.setRemoteGatheringComplete(now: now)
            drainICE(now: now)
            return
        }
        let candidate: SDP.ICECandidate
        do {
            candidate = try SDP.ICECandidate(parsing: text)
        } catch {
            throw PeerError(.invalidDescription, "the remote candidate \"\(text)\" cannot be parsed", underlying: error)
        }
        addRemote(candidate, now: now)
    }

    mutating func addRemote(_ candidate: SDP.ICECandidate, now: Instant) {
        guard candidate.isUDP, candidate.component == 1, let address = candidate.transportAddress else { return }
        let type = CandidateType(rawValue: candidate.type.rawValue) ?? .host
        ice.addRemoteCandidate(Candidate(foundation: candidate.foundation, priority: candidate.priority,
                                         address: address, type: type), now: now)
        drainICE(now: now)
    }

    // MARK: Outputs

    /// The next datagram to send or event to report; nil when drained.
    public mutating func pollOutput() -> PeerOutput? {
        outputs.next()
    }

    /// The earliest time the peer wants `handleTimeout(now:)`.
    public func nextDeadline() -> Instant? {
        guard connectionState != .closed, connectionState != .failed else { return nil }
        return earliest(ice.nextDeadline(), dtls?.nextDeadline(), connectionState == .connecting ? dtlsDeadline : nil,
                        sctp?.nextDeadline())
    }

    /// Runs due timers: ICE checks and consent, DTLS retransmission.
    public mutating func handleTimeout(now: Instant) {
        lastNow = now
        if let dtlsDeadline, now >= dtlsDeadline, connectionState == .connecting {
            fail(PeerError(.dtlsFailed, "the DTLS handshake did not complete within " +
                           "\(configuration.dtlsHandshakeTimeout) of ICE finding a path"))
            return
        }
        ice.handleTimeout(now: now)
        drainICE(now: now)
        if let dtls {
            dtls.handleTimeout(now: now)
            drainDTLS(now: now)
        }
        if let due = sctp?.nextDeadline(), due <= now {
            sctp?.handleTimeout(now: now)
            drainSCTP(now: now)
        }
    }

    /// Closes the peer: DTLS close_notify, ICE stops; the state becomes `closed`.
    public mutating func close(now: Instant) {
        guard connectionState != .closed else { return }
        if sctp != nil {
            // ABORT rather than SHUTDOWN: DTLS closes right after, so a graceful shutdown could not finish.
            sctp?.abort(reason: "the peer connection was closed", now: now)
            drainSCTP(now: now)
        }
        if let dtls {
            dtls.close()
            drainDTLS(now: now)
        }
        ice.close(now: now)
        _ = drainICEOutputs()
        signalingState = .closed
        setConnectionState(.closed)
    }

    /// Which path carries the call, for people: `relay (udp) via 203.0.113.10:3478 -> srflx 203.0.113.2:40001`,
    /// or `host 127.0.0.1:5000 -> host 127.0.0.1:6000`.
    public var pathDescription: String {
        guard let pair = ice.selectedPair else { return "no path yet" }
        let local: String
        if pair.local.type == .relay, let server = ice.relayServer(for: pair.local.address) {
            local = "relay (\(server.transport)) via \(server.address)"
        } else {
            local = "\(pair.local.type.rawValue) \(pair.local.base)"
        }
        return "\(local) -> \(pair.remote.type.rawValue) \(pair.remote.address)"
    }

    /// The ICE agent's view, for stats and logs.
    public var iceState: ICEConnectionState { ice.state }

    /// The canonical name of this side's streams (RFC 3550 §6.5.1), as announced in `a=ssrc ... cname:` and SDES.
    public var cname: String { configuration.cname ?? "linkup-\(sessionID)" }
    /// The pair media flows on.
    public var selectedPair: CandidatePair? { ice.selectedPair }
    /// True once every local candidate has been found (end-of-candidates is due); false again while an ICE
    /// restart re-checks the STUN and TURN servers.
    public var localGatheringComplete: Bool { ice.localGatheringComplete }
    /// This side's ICE credentials.
    public var localICECredentials: ICECredentials { ice.localCredentials }

    mutating func emit(_ event: PeerEvent) { outputs.append(.event(event)) }

    mutating func setConnectionState(_ state: PeerConnectionState) {
        guard connectionState != state else { return }
        connectionState = state
        emit(.connectionStateChanged(state))
    }

    mutating func fail(_ error: PeerError) {
        guard connectionState != .failed, connectionState != .closed else { return }
        setConnectionState(.failed)
        emit(.failed(error))
    }
}
