import Foundation
import MediaSession
import Peer
import PeerRuntime
import SDP
import Wire

/// `linkup loopback`'s call: two peers in this process, each with its own runtime and UDP socket on 127.0.0.1,
/// negotiated directly, sending test-pattern video and a tone both ways through a path that loses `loss` of the
/// datagrams each side sends. Each side's media is a `CallMedia`, as in a real call.
struct LoopbackCall {
    typealias Runtime = MachineRuntime<LossyMachine<CallMachine>>

    var format: VideoFormat
    var duration: Double
    var loss: Double
    var bitrate: Int
    var live: Bool

    /// One peer with its runtime and media.
    struct Side {
        var name: String
        var runtime: Runtime
        var media: CallMedia
    }

    func run() async throws -> LoopbackReport {
        let cpuStart = processCPUSeconds()
        let a = Runtime(machine: LossyMachine(CallMachine(peer: try Peer(random: SystemRandomNumberGenerator())), loss: loss, seed: 1))
        let b = Runtime(machine: LossyMachine(CallMachine(peer: try Peer(random: SystemRandomNumberGenerator())), loss: loss, seed: 2))
        for runtime in [a, b] {
            let address = try await runtime.bind(.v4(127, 0, 0, 1))
            await runtime.withMachine { machine, now in
                machine.machine.peer.addLocalHostCandidate(address, now: now)
                machine.machine.peer.finishGathering(now: now)
            }
        }
        let negotiationStart = RuntimeClock.now()
        let offer = try await a.withMachine { machine, now in
            let sdp = try machine.machine.peer.createOffer()
            try machine.machine.peer.setLocalDescription(sdp, type: .offer, now: now)
            return sdp
        }
        let answer = try await b.withMachine { machine, now in
            try machine.machine.peer.setRemoteDescription(offer, type: .offer, now: now)
            let sdp = try machine.machine.peer.createAnswer()
            try machine.machine.peer.setLocalDescription(sdp, type: .answer, now: now)
            return sdp
        }
        try await a.withMachine { machine, now in
            try machine.machine.peer.setRemoteDescription(answer, type: .answer, now: now)
        }

        // A sends 440 Hz, B 660 Hz; each knows the other's tone, so it can measure the SNR of what it hears.
        let sides = [try await makeSide("A", a, tone: 440, remoteTone: 660),
                     try await makeSide("B", b, tone: 660, remoteTone: 440)]
        let consumers = sides.map { side in Task { await side.media.consume(side.runtime.events) } }
        defer { consumers.forEach { $0.cancel() } }

        guard let setup = await waitForConnection(sides, since: negotiationStart) else {
            var reasons: [String] = []
            for side in sides {
                if let failure = await side.media.failure { reasons.append("\(side.name): \(failure)") }
            }
            for side in sides { await side.runtime.close() }
            throw LoopbackError(message: "the two peers did not connect within 10 s" +
                                (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")))
        }

        let callStart = RuntimeClock.now()
        let end = callStart + .milliseconds(Int64(duration * 1000))
        // Media until `end`, then half a second more of receiving, so frames in flight are counted.
        let runs = sides.map { side in
            Task { await side.media.run(until: end + .milliseconds(500), sendingUntil: end) }
        }
        let liveLine = Task { if live { await printLiveLines(sides, until: end, started: callStart) } }
        for run in runs { await run.value }
        liveLine.cancel()
        let elapsed = (end - callStart).milliseconds / 1000

        var stats: [CallMediaStats] = []
        for side in sides {
            _ = await side.media.stop()
            stats.append(await side.media.stats)
        }
        let directions = [("A->B", CallMediaStats.direction(sender: stats[0], receiver: stats[1])),
                          ("B->A", CallMediaStats.direction(sender: stats[1], receiver: stats[0]))]
        var dropped = 0, passed = 0
        for side in sides {
            let counts = await side.runtime.withMachine { machine, _ in (machine.dropped, machine.passed) }
            dropped += counts.0
            passed += counts.1
            await side.runtime.withMachine { machine, now in machine.machine.peer.close(now: now) }
            await side.runtime.close()
        }
        return LoopbackReport(format: format, duration: elapsed, loss: loss, setupMs: setup.milliseconds,
                              directions: directions, datagramsDropped: dropped, datagramsSent: dropped + passed,
                              cpuSeconds: processCPUSeconds() - cpuStart)
    }

    private func makeSide(_ name: String, _ runtime: Runtime, tone: Double, remoteTone: Double) async throws -> Side {
        var configuration = CallMediaConfiguration(video: .testPattern(format), audio: .tone(tone))
        configuration.videoBitrate = bitrate
        configuration.remoteToneFrequency = remoteTone
        return Side(name: name, runtime: runtime, media: try await CallMedia(runtime: runtime, configuration: configuration))
    }

    private func waitForConnection(_ sides: [Side], since start: Instant) async -> Duration? {
        let deadline = start + .seconds(10)
        while RuntimeClock.now() < deadline {
            var connected: [Instant] = []
            var failed = false
            for side in sides {
                if let at = await side.media.connectedAt { connected.append(at) }
                if await side.media.failure != nil { failed = true }
            }
            if failed { return nil }
            if connected.count == sides.count, let last = connected.max() { return last - start }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Once a second, one line with both directions.
    private func printLiveLines(_ sides: [Side], until end: Instant, started: Instant) async {
        var nextLine = started + .seconds(1)
        while !Task.isCancelled, nextLine <= end {
            await sleep(until: nextLine)
            nextLine = nextLine + .seconds(1)
            let a = await sides[0].media.stats, b = await sides[1].media.stats
            var parts: [String] = []
            for (name, stats) in [("A->B", CallMediaStats.direction(sender: a, receiver: b)),
                                  ("B->A", CallMediaStats.direction(sender: b, receiver: a))] {
                parts.append("\(name) \(stats.videoFramesDecoded)/\(stats.videoFramesSent) fr " +
                             "psnr \(number(stats.averagePSNR)) lat \(number(stats.latencyPercentile(0.5), 0))ms " +
                             "nack \(stats.nacksSent) pli \(stats.plisSent)")
            }
            let seconds = Int((RuntimeClock.now() - started).milliseconds / 1000)
            printError("[\(seconds)s] " + parts.joined(separator: " | "))
        }
    }
}

/// Sleeps until `instant` on the runtime's clock (no-op when it has passed).
func sleep(until instant: Instant) async {
    let remaining = instant - RuntimeClock.now()
    if remaining > .zero { try? await Task.sleep(for: remaining) }
}

/// Why the loopback call could not run, in a sentence.
struct LoopbackError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
