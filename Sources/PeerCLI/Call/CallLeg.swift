import Foundation
import MediaSession
import Peer
import PeerRuntime
import SDP
import Signaling
import Wire

/// What a call leg tells the remote side through the signaling server.
enum CallSignal: Sendable {
    /// Our offer (we called).
    case offer(String)
    /// Our answer (we were called).
    case answer(String)
    /// A trickled local candidate, as the browser's `RTCIceCandidateInit`; nil is end-of-candidates.
    case candidate(ICECandidateInit?)
}

/// Receives a leg's peer events: the media endpoint of the call.
protocol CallLegMedia: Actor {
    func handle(_ event: PeerEvent) async
}

/// One call with one remote participant: a `Peer` in its own runtime and UDP sockets, its offer/answer and
/// trickled candidates, and the media endpoint its events go to.
///
/// Candidates the remote side trickles before its description arrives are kept and applied after it (PROTOCOL.md:
/// candidates may arrive before or after the SDP they belong to). Our own candidates are all in our SDP (every
/// socket is bound before the description is made); later ones are trickled, and end-of-candidates follows our
/// description.
actor CallLeg: ChangeWaiting {
    /// The remote participant's signaling id and name.
    let remoteID: String
    let remoteName: String
    let runtime: MachineRuntime<CallMachine>
    private let signal: @Sendable (CallSignal) async -> Void
    private var media: (any CallLegMedia)?
    /// The call's data channels (chat and files), fed the peer's `dataChannel` events.
    private(set) var data: DataChannelSession?
    private var pendingCandidates: [String?] = []
    private var hasRemoteDescription = false
    private var hasSentDescription = false
    /// Local candidates found while our description was being made and sent; trickled once it is out (the remote
    /// side ignores the ones its description already had).
    private var candidatesBeforeDescription: [ICECandidateInit] = []
    /// Every local candidate has been found (end-of-candidates is due once our description is out).
    private var gatheringComplete = false
    private var consumer: Task<Void, Never>?
    var waiters: [CheckedContinuation<Void, Never>] = []

    /// When the call was placed or accepted (the start of set-up).
    let startedAt: Instant
    /// When the peer connected (ICE + DTLS), nil until then.
    private(set) var connectedAt: Instant?
    /// Why the peer failed, in a sentence; nil while it has not.
    private(set) var failure: String?
    /// The negotiated SRTP profile and selected pair, for the summary.
    private(set) var transportDescription = ""

    private init(remoteID: String, remoteName: String, runtime: MachineRuntime<CallMachine>,
                 signal: @escaping @Sendable (CallSignal) async -> Void) {
        self.remoteID = remoteID
        self.remoteName = remoteName
        self.runtime = runtime
        self.signal = signal
        startedAt = RuntimeClock.now()
    }

    /// A leg with its sockets bound on `addresses` (nil: every up interface, loopback included) and its
    /// candidates gathered. `signal` sends what the remote side must hear.
    static func make(remoteID: String, remoteName: String, network: CallNetwork,
                     signal: @escaping @Sendable (CallSignal) async -> Void) async throws -> CallLeg {
        var configuration = PeerConfiguration()
        configuration.iceServers = network.iceServers
        configuration.ice.relayOnly = network.relayOnly
        let peer = try Peer(configuration: configuration, random: SystemRandomNumberGenerator())
        let runtime = MachineRuntime(machine: CallMachine(peer: peer))
        if let caFile = network.caFile { await runtime.trustCertificateAuthorities(inFile: caFile) }
        var bound: [TransportAddress] = []
        if let addresses = network.addresses {
            for address in addresses { bound.append(try await runtime.bind(address)) }
        } else {
            bound = try await runtime.bind(try HostAddress.enumerate([.loopback]))
        }
        let local = bound
        await runtime.withPeer { peer, now in
            for (index, address) in local.enumerated() {
                peer.addLocalHostCandidate(address, interfaceIndex: index, now: now)
            }
            peer.finishGathering(now: now)
        }
        let leg = CallLeg(remoteID: remoteID, remoteName: remoteName, runtime: runtime, signal: signal)
        await leg.startConsuming()
        return leg
    }

    private func startConsuming() {
        let events = runtime.events
        consumer = Task { [weak self] in
            for await case let .peer(event) in events { await self?.handle(event) }
        }
    }

    /// Routes the peer's events to `media` from now on.
    func attach(_ media: any CallLegMedia) {
        self.media = media
    }

    /// Routes the peer's data channel events to `data` from now on.
    func attach(data: DataChannelSession) {
        self.data = data
    }

    // MARK: Offer / answer

    /// True for the side that placed the call: in glare (both sides offering at once) the other side yields.
    private(set) var isCaller = false
    /// An ICE restart of ours waits for its answer.
    private var restartPending = false
    /// ICE restarts so far, and when the last one was asked for.
    private(set) var restarts = 0
    private var lastRestartAt: Instant?
    /// When the path broke (ICE disconnected) and when media resumed on a new one, for the note a user reads.
    private var disconnectedAt: Instant?
    /// The longest time without a working path so far.
    private(set) var longestGap: Duration?

    /// Creates and sends our offer (we placed the call).
    func sendOffer() async throws {
        isCaller = true
        let sdp = try await runtime.withPeer { peer, now in
            let sdp = try peer.createOffer()
            try peer.setLocalDescription(sdp, type: .offer, now: now)
            return sdp
        }
        await signal(.offer(sdp))
        await descriptionSent()
    }

    /// Applies the remote offer, then creates and sends our answer: the first offer of a call we were called in,
    /// or a later one from either side (an ICE restart). When both sides offered at once, the callee rolls back
    /// its own offer and answers; the caller ignores the callee's offer, whose side will answer ours (JSEP glare).
    func answer(offer: String) async throws {
        let (glare, renegotiation) = await runtime.withPeer { peer, _ in
            (peer.signalingState == .haveLocalOffer, peer.remoteDescription != nil)
        }
        if renegotiation { printError("linkup: \(remoteName) sent a new offer (ICE restart); answering") }
        if glare {
            guard !isCaller else {
                printError("linkup: \(remoteName) offered while our offer was out; waiting for its answer to ours")
                return
            }
            try await runtime.withPeer { peer, _ in try peer.rollback() }
            restartPending = false
        }
        let (sdp, complete) = try await runtime.withPeer { peer, now in
            try peer.setRemoteDescription(offer, type: .offer, now: now)
            let sdp = try peer.createAnswer()
            try peer.setLocalDescription(sdp, type: .answer, now: now)
            return (sdp, peer.localGatheringComplete)
        }
        gatheringComplete = complete
        await remoteDescriptionApplied()
        await signal(.answer(sdp))
        await descriptionSent()
    }

    /// Applies the remote answer to our offer.
    func accept(answer: String) async throws {
        try await runtime.withPeer { peer, now in
            try peer.setRemoteDescription(answer, type: .answer, now: now)
        }
        if restartPending { printError("linkup: \(remoteName) answered our ICE restart; checking the new paths") }
        restartPending = false
        await remoteDescriptionApplied()
    }

    /// Restarts ICE (RFC 8445 §9) and sends a new offer with the new credentials; media goes on over the old path
    /// until the new checks find one. `reason` is logged. Does nothing while another offer of ours is out, or
    /// within 5 s of the last restart.
    func restartICE(reason: String) async {
        let now = RuntimeClock.now()
        guard hasSentDescription, !restartPending, lastRestartAt.map({ now - $0 >= .seconds(5) }) ?? true else {
            return
        }
        do {
            let offer = try await runtime.withPeer { peer, now in
                guard peer.signalingState == .stable, peer.connectionState != .closed,
                      peer.connectionState != .failed, peer.iceState != .checking else { return (String, Bool)?.none }
                peer.restartICE(now: now)
                let sdp = try peer.createOffer()
                try peer.setLocalDescription(sdp, type: .offer, now: now)
                return (sdp, peer.localGatheringComplete)
            }
            guard let (sdp, complete) = offer else { return }
            gatheringComplete = complete
            restartPending = true
            lastRestartAt = now
            restarts += 1
            printError("linkup: restarting ICE with \(remoteName) (\(reason))")
            await signal(.offer(sdp))
            if gatheringComplete { await signal(.candidate(nil)) }
        } catch {
            printError("linkup: could not restart ICE with \(remoteName): \(error)")
        }
    }

    /// A candidate the remote side trickled (nil: end-of-candidates); kept until its description is applied.
    func addRemoteCandidate(_ candidate: String?) async {
        guard hasRemoteDescription else {
            pendingCandidates.append(candidate)
            return
        }
        do {
            try await runtime.withPeer { peer, now in try peer.addRemoteCandidate(candidate, now: now) }
        } catch {
            printError("linkup: ignoring a candidate from \(remoteName): \(error)")
        }
    }

    private func remoteDescriptionApplied() async {
        hasRemoteDescription = true
        let pending = pendingCandidates
        pendingCandidates.removeAll()
        for candidate in pending { await addRemoteCandidate(candidate) }
    }

    private func descriptionSent() async {
        hasSentDescription = true
        let early = candidatesBeforeDescription
        candidatesBeforeDescription.removeAll()
        for candidate in early { await signal(.candidate(candidate)) }
        if gatheringComplete { await signal(.candidate(nil)) }
    }

    // MARK: Events

    private func handle(_ event: PeerEvent) async {
        switch event {
        case let .localCandidate(candidate, mid, index):
            // Host candidates are in our description; server-reflexive and relayed ones trickle in later.
            let trickled = ICECandidateInit(candidate: "candidate:" + candidate.attributeValue,
                                            sdpMid: mid.rawValue, sdpMLineIndex: index)
            if hasSentDescription {
                await signal(.candidate(trickled))
            } else {
                candidatesBeforeDescription.append(trickled)
            }
        case .localCandidatesComplete:
            gatheringComplete = true
            if hasSentDescription { await signal(.candidate(nil)) }
        case let .iceServerError(sentence):
            printError("linkup: \(sentence)")
        case .connectionStateChanged(.disconnected):
            // Consent checks went unanswered: the path broke (a NAT forgot us, an address changed). Either side
            // may restart; in glare the callee yields.
            disconnectedAt = RuntimeClock.now()
            printError("linkup: the path to \(remoteName) stopped answering; restarting ICE")
            await restartICE(reason: "the path stopped answering")
        case .connectionStateChanged(.connected) where connectedAt != nil:
            if let since = disconnectedAt {
                let gap = RuntimeClock.now() - since
                longestGap = max(longestGap ?? .zero, gap)
                disconnectedAt = nil
                let path = await runtime.withPeer { peer, _ in peer.pathDescription }
                transportDescription = transportDescription.components(separatedBy: " over ").first.map {
                    "\($0) over \(path)"
                } ?? transportDescription
                printError("linkup: the call with \(remoteName) recovered after \(Int(gap.milliseconds)) ms " +
                           "without a working path, now over \(path)")
            }
        case .connectionStateChanged(.connected):
            if connectedAt == nil {
                let now = RuntimeClock.now()
                // The description first: whoever waits for `connectedAt` reads it next.
                transportDescription = await runtime.withPeer { peer, _ in
                    "\(peer.negotiatedProfile?.description ?? "?") over \(peer.pathDescription)"
                }
                connectedAt = now
            }
            wakeWaiters()
        case let .failed(error):
            failure = error.description
            wakeWaiters()
        case let .dataChannel(event):
            await data?.handle(event)
        default:
            break
        }
        await media?.handle(event)
    }

    /// Whether the path broke and an ICE restart is under way.
    var isReconnecting: Bool { disconnectedAt != nil }

    /// Waits until the peer connects or fails, or `timeout` passes; true when connected.
    func waitForConnection(timeout: Duration) async -> Bool {
        let deadline = RuntimeClock.now() + timeout
        while connectedAt == nil, failure == nil, RuntimeClock.now() < deadline {
            await waitForChange(upTo: .milliseconds(100))
        }
        return connectedAt != nil
    }

    /// Closes the peer (a DTLS close_notify goes out) and its sockets.
    func close() async {
        await runtime.withPeer { peer, now in peer.close(now: now) }
        await runtime.close()
        consumer?.cancel()
        wakeWaiters()
    }
}
