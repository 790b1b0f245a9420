import Foundation
import Peer
import PeerRuntime
import SDP
import Wire

/// `linkup loopback`'s call: two peers in this process, each with its own runtime and UDP socket on 127.0.0.1,
/// negotiated directly, sending test-pattern video and a tone both ways through a path that loses `loss` of the
/// datagrams each side sends.
struct LoopbackCall {
    typealias Runtime = MachineRuntime<LossyMachine<Peer>>

    var format: VideoFormat
    var duration: Double
    var loss: Double
    var bitrate: Int
    var live: Bool

    /// One peer with its runtime, sender and receiver.
    struct Side {
        var name: String
        var runtime: Runtime
        var sender: MediaSender
        var receiver: MediaReceiver
    }

    func run() async throws -> LoopbackReport {
        let cpuStart = processCPUSeconds()
        let a = Runtime(machine: LossyMachine(try Peer(random: SystemRandomNumberGenerator()), loss: loss, seed: 1))
        let b = Runtime(machine: LossyMachine(try Peer(random: SystemRandomNumberGenerator()), loss: loss, seed: 2))
        for runtime in [a, b] {
            let address = try await runtime.bind(.v4(127, 0, 0, 1))
            await runtime.withMachine { machine, now in
                machine.machine.addLocalHostCandidate(address, now: now)
                machine.machine.finishGathering(now: now)
            }
        }
        let negotiationStart = RuntimeClock.now()
        let offer = try await a.withMachine { machine, now in
            let sdp = try machine.machine.createOffer()
            try machine.machine.setLocalDescription(sdp, type: .offer, now: now)
            return sdp
        }
        let answer = try await b.withMachine { machine, now in
            try machine.machine.setRemoteDescription(offer, type: .offer, now: now)
            let sdp = try machine.machine.createAnswer()
            try machine.machine.setLocalDescription(sdp, type: .answer, now: now)
            return sdp
        }
        try await a.withMachine { machine, now in
            try machine.machine.setRemoteDescription(answer, type: .answer, now: now)
        }

        let sides = try await [makeSide("A", a, toneFrequency: 440), makeSide("B", b, toneFrequency: 660)]
        let consumers = sides.map { side in Task { await side.receiver.consume(side.runtime.events) } }
        defer { consumers.forEach { $0.cancel() } }

        guard let setup = await waitForConnection(sides, since: negotiationStart) else {
            var reasons: [String] = []
            for side in sides { if let failure = await side.receiver.failure { reasons.append("\(side.name): \(failure)") } }
            for side in sides { await side.runtime.close() }
            throw LoopbackError(message: "the two peers did not connect within 10 s" +
                                (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")))
        }

        let callStart = RuntimeClock.now()
        let end = callStart + .milliseconds(Int64(duration * 1000))
        let media = Task { await runMedia(sides, until: end) }
        let ticks = Task { await runTicks(sides, until: end + .milliseconds(500), started: callStart) }
        await media.value
        await ticks.value
        let elapsed = (end - callStart).milliseconds / 1000

        var directions: [(String, DirectionStats)] = []
        for (from, to) in [(sides[0], sides[1]), (sides[1], sides[0])] {
            directions.append(("\(from.name)->\(to.name)", await merged(sender: from.sender, receiver: to.receiver)))
        }
        var dropped = 0, passed = 0
        for side in sides {
            let counts = await side.runtime.withMachine { machine, _ in (machine.dropped, machine.passed) }
            dropped += counts.0
            passed += counts.1
            await side.runtime.withMachine { machine, now in machine.machine.close(now: now) }
            await side.runtime.close()
        }
        return LoopbackReport(format: format, duration: elapsed, loss: loss, setupMs: setup.milliseconds,
                              directions: directions, datagramsDropped: dropped, datagramsSent: dropped + passed,
                              cpuSeconds: processCPUSeconds() - cpuStart)
    }

    private func makeSide(_ name: String, _ runtime: Runtime, toneFrequency: Double) async throws -> Side {
        let (videoMid, audioMid, rtx) = await runtime.withMachine { machine, _ in
            let transceivers = machine.machine.transceivers
            let video = transceivers.first { $0.kind == .video }
            return (video?.mid, transceivers.first { $0.kind == .audio }?.mid, video?.rtxPayloadType)
        }
        let sender = try MediaSender(runtime: runtime, format: format, bitrate: bitrate, toneFrequency: toneFrequency,
                                     videoMid: videoMid, audioMid: audioMid)
        // The other side's tone: A sends 440 Hz, B 660 Hz.
        let receiver = try MediaReceiver(runtime: runtime, format: format,
                                         toneFrequency: toneFrequency == 440 ? 660 : 440, videoMid: videoMid,
                                         audioMid: audioMid, localSender: sender, rtxPayloadType: rtx)
        return Side(name: name, runtime: runtime, sender: sender, receiver: receiver)
    }

    private func waitForConnection(_ sides: [Side], since start: Instant) async -> Duration? {
        let deadline = start + .seconds(10)
        while RuntimeClock.now() < deadline {
            var connected: [Instant] = []
            var failed = false
            for side in sides {
                if let at = await side.receiver.connectedAt { connected.append(at) }
                if await side.receiver.failure != nil { failed = true }
            }
            if failed { return nil }
            if connected.count == sides.count, let last = connected.max() { return last - start }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Video at the frame rate and audio every 20 ms, on a schedule that does not drift.
    private func runMedia(_ sides: [Side], until end: Instant) async {
        let start = RuntimeClock.now()
        let frameInterval = 1_000_000_000 / Int64(format.fps)
        await withTaskGroup(of: Void.self) { group in
            for side in sides {
                group.addTask {
                    var number: UInt32 = 0
                    while true {
                        let due = start + .nanoseconds(Int64(number) * frameInterval)
                        if due >= end { break }
                        await sleep(until: due)
                        await side.sender.sendVideoFrame(number: number)
                        number += 1
                    }
                }
                group.addTask {
                    var index: Int64 = 0
                    while true {
                        let due = start + .milliseconds(20 * index)
                        if due >= end { break }
                        await sleep(until: due)
                        await side.sender.sendAudioFrame()
                        index += 1
                    }
                }
            }
        }
    }

    /// Jitter-buffer timers every 10 ms, and the live line once a second.
    private func runTicks(_ sides: [Side], until end: Instant, started: Instant) async {
        var nextLine = started + .seconds(1)
        var nextReport = started + .milliseconds(500)
        while RuntimeClock.now() < end {
            for side in sides { await side.receiver.tick() }
            if RuntimeClock.now() >= nextReport {
                nextReport = nextReport + .seconds(1)
                for side in sides {
                    await side.sender.sendReport()
                    await side.receiver.sendReport()
                }
            }
            if live, RuntimeClock.now() >= nextLine {
                nextLine = nextLine + .seconds(1)
                var parts: [String] = []
                for (from, to) in [(sides[0], sides[1]), (sides[1], sides[0])] {
                    let stats = await merged(sender: from.sender, receiver: to.receiver)
                    parts.append("\(from.name)->\(to.name) \(stats.videoFramesDecoded)/\(stats.videoFramesSent) fr " +
                                 "psnr \(number(stats.averagePSNR)) lat \(number(stats.latencyPercentile(0.5), 0))ms " +
                                 "nack \(stats.nacksSent) pli \(stats.plisSent)")
                }
                let seconds = Int((RuntimeClock.now() - started).milliseconds / 1000)
                printError("[\(seconds)s] " + parts.joined(separator: " | "))
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private func merged(sender: MediaSender, receiver: MediaReceiver) async -> DirectionStats {
        let sent = await sender.stats
        var stats = await receiver.stats
        stats.videoFramesSent = sent.videoFramesSent
        stats.audioFramesSent = sent.audioFramesSent
        stats.bytesSent = sent.bytesSent
        stats.packetsSent = sent.packetsSent
        stats.packetsRetransmitted = sent.packetsRetransmitted
        stats.keyframesSent = sent.keyframesSent
        stats.encodeSeconds = sent.encodeSeconds
        stats.rttMs = sent.rttMs
        stats.fractionLost = sent.fractionLost
        return stats
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
