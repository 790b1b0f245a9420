import Foundation
import PeerRuntime
import Signaling
import Wire

/// What the router asks of the signaling connection: the PROTOCOL.md requests a call needs.
protocol CallSignaling: Sendable {
    func call(_ to: String) async throws
    func accept(_ to: String) async throws
    func reject(_ to: String, reason: String) async throws
    func offer(_ to: String, sdp: String) async throws
    func answer(_ to: String, sdp: String) async throws
    func candidate(_ to: String, _ candidate: ICECandidateInit?) async throws
    func hangup(_ to: String) async throws
}

/// The calls of one signaling participant, one `CallLeg` per remote participant: `linkup call` has one, a bot
/// many. It turns signaling events into leg actions (PROTOCOL.md: the caller offers after `callAccepted`, the
/// callee answers) and ends a leg on `hangup`, `callRejected` or `peer-left`.
actor CallRouter: ChangeWaiting {
    /// How a leg's media is made and finished; the router only knows the leg.
    struct MediaHooks: Sendable {
        /// Attaches media to a new leg (called once the leg has a description, so transceivers are known).
        var start: @Sendable (CallLeg) async throws -> Void
        /// The leg ended (hangup, failure, peer left or shutdown); `reason` says why.
        var end: @Sendable (CallLeg, String) async -> Void
        /// The leg exists and its description is not made yet: true when we offer (we called). Data channels
        /// are set up here, so the caller's first offer carries them.
        var prepare: @Sendable (CallLeg, _ offering: Bool) async throws -> Void = { _, _ in }
    }

    private let signaling: any CallSignaling
    private let network: CallNetwork
    private let hooks: MediaHooks
    /// Whether incoming calls are accepted (bots, `linkup call --answer`); otherwise they are rejected as busy.
    private let acceptsCalls: Bool
    /// At most this many calls at once; more are rejected.
    private let maximumCalls: Int
    private var legs: [String: CallLeg] = [:]
    /// Participants we called that have not answered yet, and those we accepted that have not offered yet.
    private var outgoing: [String: String] = [:]
    private var accepted: [String: String] = [:]
    /// Candidates that arrived before the leg existed (a browser may trickle before its offer is relayed).
    private var earlyCandidates: [String: [String?]] = [:]
    /// Legs being set up right now (sockets bound, description made), each in a task of its own so that one slow
    /// set-up never holds up the signaling events of the others; and those hung up while being set up.
    private var starting: Set<String> = []
    private var cancelledWhileStarting: Set<String> = []
    var waiters: [CheckedContinuation<Void, Never>] = []
    /// Why outgoing calls ended without a leg (rejected), by participant.
    private(set) var rejections: [String: String] = [:]
    /// Every leg that started, in order (kept after they end, for summaries).
    private(set) var history: [CallLeg] = []

    init(signaling: any CallSignaling, network: CallNetwork, acceptsCalls: Bool, maximumCalls: Int = 64,
         hooks: MediaHooks) {
        self.signaling = signaling
        self.network = network
        self.acceptsCalls = acceptsCalls
        self.maximumCalls = maximumCalls
        self.hooks = hooks
    }

    /// Legs taken out of `legs` whose end is still under way (media finishing, files closing, the peer closing).
    private var endingLegs = 0

    /// No leg in progress and none still ending: every ended leg's media summary is in.
    var isIdle: Bool { legs.isEmpty && endingLegs == 0 && starting.isEmpty }

    /// Waits until `isIdle`: a hangup from the other side may be ending a leg in another task right now.
    func waitUntilIdle() async {
        while !isIdle { await waitForChange() }
    }

    /// How waiting for the first leg ended.
    enum FirstLeg {
        case started(CallLeg)
        /// The participant `id` rejected our call, for `reason`.
        case rejected(id: String, reason: String)
        case timedOut
    }

    /// Waits until the first leg starts (the other side accepted, or called), a call is rejected, or `deadline`.
    func waitForFirstLeg(until deadline: Instant) async -> FirstLeg {
        while RuntimeClock.now() < deadline {
            if let leg = history.first { return .started(leg) }
            if let (id, reason) = rejections.first { return .rejected(id: id, reason: reason) }
            await waitForChange()
        }
        return .timedOut
    }

    /// Places a call to `id` (PROTOCOL.md `call`); the offer follows its `callAccepted`.
    func place(to id: String, name: String) async throws {
        outgoing[id] = name
        try await signaling.call(id)
    }

    /// Handles one signaling event (chat and presence only wake waiters).
    func handle(_ event: SignalingEvent) async {
        switch event {
        case let .incomingCall(from, name):
            incomingCall(from: from, name: name)
        case let .callAccepted(from):
            guard let name = outgoing.removeValue(forKey: from) else { return }
            beginLeg(remoteID: from, remoteName: name, offer: nil)
        case let .callRejected(from, reason):
            guard outgoing.removeValue(forKey: from) != nil else { return }
            rejections[from] = reason ?? "rejected"
            wakeWaiters()
        case let .offer(from, sdp):
            if let leg = legs[from] {
                // A new offer during the call: an ICE restart (or glare with ours, which the leg settles).
                do {
                    try await leg.answer(offer: sdp)
                } catch {
                    printError("linkup: could not answer a new offer from \(leg.remoteName): \(error)")
                }
                return
            }
            guard let name = accepted.removeValue(forKey: from) else {
                printError("linkup: ignoring an offer from \(from), whose call we did not accept")
                return
            }
            beginLeg(remoteID: from, remoteName: name, offer: sdp)
        case let .answer(from, sdp):
            guard let leg = legs[from] else { return }
            do {
                try await leg.accept(answer: sdp)
            } catch {
                await end(from, reason: "its answer was refused: \(error)")
            }
        case let .candidate(from, candidate):
            if let leg = legs[from] {
                await leg.addRemoteCandidate(candidate?.candidate)
            } else if accepted[from] != nil || outgoing[from] != nil || starting.contains(from) {
                earlyCandidates[from, default: []].append(candidate?.candidate)
            }
        case let .hangup(from):
            outgoing.removeValue(forKey: from)
            accepted.removeValue(forKey: from)
            if starting.contains(from) { cancelledWhileStarting.insert(from) }
            await end(from, reason: "the other side hung up")
        case let .peerLeft(_, id):
            outgoing.removeValue(forKey: id)
            accepted.removeValue(forKey: id)
            if starting.contains(id) { cancelledWhileStarting.insert(id) }
            await end(id, reason: "the other side left the room")
        case .peerJoined, .chat:
            wakeWaiters()
        }
    }

    /// Accepts or rejects a call. The request goes out in a task of its own: waiting here for the server's
    /// acknowledgement would hold up the signaling pump, and with it every other caller's set-up.
    private func incomingCall(from: String, name: String) {
        let signaling = self.signaling
        guard acceptsCalls, legs.count + accepted.count + starting.count < maximumCalls, legs[from] == nil,
              !starting.contains(from) else {
            let reason = acceptsCalls ? "busy" : "not accepting calls"
            Task { try? await signaling.reject(from, reason: reason) }
            return
        }
        accepted[from] = name
        Task {
            do {
                try await signaling.accept(from)
            } catch {
                acceptFailed(from, name: name, error: error)
            }
        }
    }

    private func acceptFailed(_ from: String, name: String, error: any Error) {
        accepted.removeValue(forKey: from)
        printError("linkup: could not accept the call from \(name): \(error)")
    }

    /// Starts setting up a leg in a task of its own and returns at once (the signaling pump goes on).
    private func beginLeg(remoteID: String, remoteName: String, offer: String?) {
        starting.insert(remoteID)
        Task {
            await startLeg(remoteID: remoteID, remoteName: remoteName, offer: offer)
            starting.remove(remoteID)
            if cancelledWhileStarting.remove(remoteID) != nil {
                await end(remoteID, reason: "the other side hung up while the call was being set up")
            }
            wakeWaiters()
        }
    }

    private func startLeg(remoteID: String, remoteName: String, offer: String?) async {
        let signaling = self.signaling
        do {
            let leg = try await CallLeg.make(remoteID: remoteID, remoteName: remoteName, network: network) {
                signal in
                do {
                    switch signal {
                    case let .offer(sdp): try await signaling.offer(remoteID, sdp: sdp)
                    case let .answer(sdp): try await signaling.answer(remoteID, sdp: sdp)
                    case let .candidate(candidate): try await signaling.candidate(remoteID, candidate)
                    }
                } catch {
                    printError("linkup: could not signal to \(remoteName): \(error)")
                }
            }
            legs[remoteID] = leg
            history.append(leg)
            try await hooks.prepare(leg, offer == nil)
            if let offer {
                try await leg.answer(offer: offer)
            } else {
                try await leg.sendOffer()
            }
            for candidate in earlyCandidates.removeValue(forKey: remoteID) ?? [] {
                await leg.addRemoteCandidate(candidate)
            }
            try await hooks.start(leg)
            wakeWaiters()
        } catch {
            printError("linkup: the call with \(remoteName) could not start: \(error)")
            try? await signaling.hangup(remoteID)
            await end(remoteID, reason: "it could not start: \(error)")
        }
    }

    /// Ends the leg with `id`, if any: its media finishes (files are closed), the peer closes.
    func end(_ id: String, reason: String) async {
        earlyCandidates.removeValue(forKey: id)
        guard let leg = legs.removeValue(forKey: id) else { return }
        endingLegs += 1
        await hooks.end(leg, reason)
        await leg.close()
        endingLegs -= 1
        wakeWaiters()
    }

    /// Restarts ICE on every call in progress (`kill -USR1` on a bot).
    func restartAll(reason: String) async {
        for leg in legs.values { await leg.restartICE(reason: reason) }
    }

    /// Hangs up every call (PROTOCOL.md `hangup`) and ends it.
    func hangUpAll(reason: String) async {
        for id in Array(legs.keys) {
            try? await signaling.hangup(id)
            await end(id, reason: reason)
        }
    }

    /// Waits until something changes (a leg starts or ends, a call is rejected, someone joins) or 100 ms pass.
    func waitForChange() async {
        await waitForChange(upTo: .milliseconds(100))
    }
}
