import MediaSession
import Peer
import RTP
import Simulation
import Testing
import Wire

/// The production engine on the simulated network: a caller `CallMachine` replaying media into an echo
/// `CallMachine` (ICE, DTLS, SRTP, forwarding, RTCP), deterministically on a virtual clock.
struct CallMachineEndpoint: SimulatedEndpoint {
    var machine: CallMachine
    var addresses: [TransportAddress]
    private var pending: [Datagram] = []

    init(seed: UInt64, address: TransportAddress) throws {
        var peer = try Peer(random: SeededGenerator(seed: seed))
        peer.addLocalHostCandidate(address, now: .zero)
        peer.finishGathering(now: .zero)
        machine = CallMachine(peer: peer)
        addresses = [address]
    }

    mutating func receive(_ datagram: Datagram, now: Instant) {
        machine.handle(datagram, now: now)
        drain()
    }

    mutating func handleTimeout(now: Instant) {
        machine.handleTimeout(now: now)
        drain()
    }

    mutating func pollTransmit() -> Datagram? { pending.isEmpty ? nil : pending.removeFirst() }

    func nextDeadline() -> Instant? { machine.nextDeadline() }

    mutating func drain() {
        while let output = machine.pollOutput() {
            if case let .transmit(datagram) = output { pending.append(datagram) }
        }
    }
}

@Suite struct EchoCallOverSimulatedNetwork {
    /// One second of 25 fps "video" (3 packets a frame) and 50 packets/s "audio", looped.
    static let program: ReplayProgram = {
        var video: [ReplayProgram.VideoFrame] = []
        for frame in 0..<25 {
            var payloads: [[UInt8]] = []
            for part in 0..<3 {
                let header: [UInt8] = [0x90, 0x80, UInt8(frame), UInt8(part)]
                payloads.append(header + [UInt8](repeating: UInt8(frame), count: 300))
            }
            video.append(ReplayProgram.VideoFrame(due: .milliseconds(40 * frame), timestamp: UInt32(frame * 3600),
                                                  payloads: payloads))
        }
        var audio: [ReplayProgram.AudioPacket] = []
        for index in 0..<50 {
            let payload: [UInt8] = [0x78, UInt8(index)] + [UInt8](repeating: 7, count: 60)
            audio.append(ReplayProgram.AudioPacket(due: .milliseconds(20 * index), timestamp: UInt32(index * 960),
                                                   payload: payload))
        }
        return ReplayProgram(video: video, audio: audio, loopDuration: .seconds(1))
    }()

    static func call(conditions: NetworkConditions, seed: UInt64) throws -> (caller: CallMachine, echo: CallMachine) {
        var caller = try CallMachineEndpoint(seed: seed, address: TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000))
        var echo = try CallMachineEndpoint(seed: seed + 1, address: TransportAddress(ip: .v4(10, 0, 0, 2), port: 6000))
        let offer = try caller.machine.peer.createOffer()
        try caller.machine.peer.setLocalDescription(offer, type: .offer, now: .zero)
        try echo.machine.peer.setRemoteDescription(offer, type: .offer, now: .zero)
        let answer = try echo.machine.peer.createAnswer()
        try echo.machine.peer.setLocalDescription(answer, type: .answer, now: .zero)
        try caller.machine.peer.setRemoteDescription(answer, type: .answer, now: .zero)
        echo.machine.startEcho(ntp: NTPClock(referenceInstant: .zero, referenceNTP: 1 << 62),
                               random: SeededGenerator(seed: seed + 2))
        caller.machine.startReplay(program, duration: .seconds(10), random: SeededGenerator(seed: seed + 3))
        caller.drain()
        echo.drain()
        var loop = SimulationLoop(endpoints: [caller, echo], network: SimulatedNetwork(seed: seed, conditions: conditions))
        _ = loop.run(for: .seconds(14))
        return (loop.endpoints[0].machine, loop.endpoints[1].machine)
    }

    @Test func everyPacketComesBackOnAPerfectNetwork() throws {
        let (caller, echo) = try Self.call(conditions: NetworkConditions(delay: .milliseconds(10)), seed: 11)
        let sent = try #require(caller.replay?.currentStats())
        // 10 s of 125 packets a second.
        #expect(sent.packetsSent == 1250)
        #expect(sent.packetsEchoed == 1250 && sent.lossFraction == 0)
        // Two 10 ms legs.
        let rtts = sent.roundTripsMs.sorted()
        #expect(rtts.count == 1250 && abs(rtts[rtts.count / 2] - 20) < 1)
        let forwarded = try #require(echo.media?.stats)
        #expect(forwarded.packetsForwarded == 1250 && forwarded.packetsDropped == 0)
        #expect(forwarded.reportsSent >= 8)
    }

    @Test func lossOnBothLegsIsSeenAndNackedUpstream() throws {
        let (caller, echo) = try Self.call(conditions: NetworkConditions(loss: 0.05, delay: .milliseconds(10)),
                                           seed: 12)
        let sent = try #require(caller.replay?.currentStats())
        let forwarded = try #require(echo.media?.stats)
        // The replaying caller keeps no history, so what is lost on the way in stays lost: about 1 - 0.95² of the
        // packets do not come back.
        #expect(sent.packetsSent == 1250)
        #expect((0.05...0.16).contains(sent.lossFraction), "loss \(sent.lossFraction)")
        // The echo asked the source for every video gap it saw.
        #expect(forwarded.nacksSent > 0)
        #expect(forwarded.packetsReceived < 1250)
    }
}
