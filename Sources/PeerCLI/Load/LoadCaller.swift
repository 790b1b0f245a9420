import Foundation
import MediaSession
import PeerRuntime
import Wire

/// One caller of `linkup load`: its own signaling connection and name, one call to the target, the shared
/// program replayed into it, and what came back.
struct LoadCaller: Sendable {
    let index: Int
    let signaling: SignalingOptions
    /// A CA to trust for a wss:// server besides the system's.
    let caFile: String?
    let target: String
    let program: ReplayProgram
    let duration: Duration
    /// How long to wait for the target to appear and for the call to connect.
    let timeout: Duration

    /// Joins, calls, replays for `duration`, hangs up, leaves; never throws: a failure is in the result.
    func run() async -> LoadCallResult {
        var result = LoadCallResult(index: index, name: signaling.name ?? "load-\(index)")
        let session: RoomSession
        do {
            session = try await RoomSession.join(signaling, defaultName: result.name, caFile: caFile)
        } catch {
            result.failure = "\(error)"
            return result
        }
        let program = self.program, duration = self.duration
        // Independent callers' keyframes and frame ticks do not coincide: each starts at a random point of the
        // program's keyframe interval (2 s for the generated test pattern), or of its loop if shorter.
        let phase = min(program.loopDuration, .seconds(2)) * Double.random(in: 0..<1)
        let hooks = CallRouter.MediaHooks(
            start: { leg in
                await leg.runtime.withMachine { machine, _ in
                    machine.startReplay(program, duration: duration, phase: phase, random: SystemRandomNumberGenerator())
                }
            },
            end: { _, _ in })
        let network = CallNetwork(addresses: signaling.bindAddresses)
        let router = CallRouter(signaling: ClientCallSignaling(client: session.client), network: network,
                                acceptsCalls: false, maximumCalls: 1, hooks: hooks)
        let pump = session.pump(into: router, verbose: false)
        defer { pump.cancel() }
        do {
            guard let peer = await session.roster.waitFor(name: target, timeout: timeout) else {
                throw CallError("nobody named \"\(target)\" is in room \"\(session.room)\"")
            }
            let placedAt = RuntimeClock.now()
            try await router.place(to: peer.id, name: peer.name)
            let leg = try await waitForLeg(router, until: placedAt + timeout)
            guard await leg.waitForConnection(timeout: timeout) else {
                throw CallError(await leg.failure ?? "no connection within \(timeout)")
            }
            let connectedAt = await leg.connectedAt ?? RuntimeClock.now()
            result.connectMs = (connectedAt - placedAt).milliseconds
            // The replay runs inside the leg's machine; wait for its end plus a moment for the last echoes.
            let end = connectedAt + phase + duration + .milliseconds(500)
            while RuntimeClock.now() < end, !(await router.isIdle) {
                await router.waitForChange()
            }
            if await router.isIdle { result.failure = "the call ended early" }
            result.stats = await leg.runtime.withMachine { machine, _ in machine.replay?.currentStats() }
        } catch {
            result.failure = "\(error)"
        }
        await router.hangUpAll(reason: "the load run ended")
        await router.waitUntilIdle()
        await session.leave()
        return result
    }

    private func waitForLeg(_ router: CallRouter, until deadline: Instant) async throws -> CallLeg {
        switch await router.waitForFirstLeg(until: deadline) {
        case let .started(leg): return leg
        case let .rejected(_, reason): throw CallError("the call was rejected: \(reason)")
        case .timedOut: throw CallError("no answer")
        }
    }
}

/// What one caller measured.
struct LoadCallResult: Sendable {
    var index: Int
    var name: String
    /// From placing the call to ICE + DTLS connected, in milliseconds.
    var connectMs: Double?
    var stats: LoadReplayStats?
    /// Why the call did not run to its end, in a sentence.
    var failure: String?
}
