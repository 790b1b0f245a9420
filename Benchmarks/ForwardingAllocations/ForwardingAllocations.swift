// Heap allocations and time per packet on the echo's forwarding path, counted by ordo-one/benchmark's malloc
// interposer: one SRTP datagram in (unprotect, parse, route, rewrite, history, encode, protect, transmit) and one
// out, through `CallMachine` exactly as the runtime drives it, without sockets. `make bench` runs it.
import Benchmark
import MediaSession
import Peer
import RTP
import Simulation
import Wire

/// A `CallMachine` on the simulated network (for the handshake only).
struct Endpoint: SimulatedEndpoint {
    var machine: CallMachine
    let address: TransportAddress
    var addresses: [TransportAddress] { [address] }
    private var pending: [Datagram] = []

    init(machine: CallMachine, address: TransportAddress) {
        self.machine = machine
        self.address = address
    }

    mutating func receive(_ datagram: Datagram, now: Instant) { machine.handle(datagram, now: now); drain() }
    mutating func handleTimeout(now: Instant) { machine.handleTimeout(now: now); drain() }
    mutating func pollTransmit() -> Datagram? { pending.isEmpty ? nil : pending.removeFirst() }
    func nextDeadline() -> Instant? { machine.nextDeadline() }

    private mutating func drain() {
        while let output = machine.pollOutput() {
            if case let .transmit(datagram) = output { pending.append(datagram) }
        }
    }
}

/// Two connected machines: a caller whose peer makes SRTP datagrams, and an echo that forwards them.
struct ForwardingPair {
    var caller: CallMachine
    var echo: CallMachine
    var now = Instant.zero
    var sequence: UInt32 = 0
    let videoMid: Mid
    let payload = [UInt8](repeating: 0x5A, count: 1100)

    init() throws {
        let callerAddress = TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000)
        let echoAddress = TransportAddress(ip: .v4(10, 0, 0, 2), port: 6000)
        var callerPeer = try Peer(random: SeededGenerator(seed: 1))
        var echoPeer = try Peer(random: SeededGenerator(seed: 2))
        callerPeer.addLocalHostCandidate(callerAddress, now: .zero)
        callerPeer.finishGathering(now: .zero)
        echoPeer.addLocalHostCandidate(echoAddress, now: .zero)
        echoPeer.finishGathering(now: .zero)
        let offer = try callerPeer.createOffer()
        try callerPeer.setLocalDescription(offer, type: .offer, now: .zero)
        try echoPeer.setRemoteDescription(offer, type: .offer, now: .zero)
        let answer = try echoPeer.createAnswer()
        try echoPeer.setLocalDescription(answer, type: .answer, now: .zero)
        try callerPeer.setRemoteDescription(answer, type: .answer, now: .zero)
        caller = CallMachine(peer: callerPeer)
        echo = CallMachine(peer: echoPeer)
        echo.startEcho(ntp: NTPClock(referenceInstant: .zero, referenceNTP: 1 << 62), random: SeededGenerator(seed: 3))
        guard let mid = callerPeer.transceivers.first(where: { $0.kind == .video })?.mid else {
            fatalError("the offer has no video section")
        }
        videoMid = mid
        // ICE and DTLS on a perfect simulated network, on its virtual clock.
        var loop = SimulationLoop(endpoints: [Endpoint(machine: caller, address: callerAddress),
                                              Endpoint(machine: echo, address: echoAddress)],
                                  network: SimulatedNetwork(seed: 1))
        _ = loop.run(for: .seconds(10)) { loop in
            loop.endpoints.allSatisfy { $0.machine.peer.connectionState == .connected }
        }
        caller = loop.endpoints[0].machine
        echo = loop.endpoints[1].machine
        now = loop.now
        guard caller.peer.connectionState == .connected, echo.peer.connectionState == .connected else {
            fatalError("the pair did not connect: \(caller.peer.connectionState) \(echo.peer.connectionState)")
        }
    }

    /// `count` SRTP datagrams from the caller, in order.
    mutating func datagrams(_ count: Int) -> [Datagram] {
        var result: [Datagram] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            sequence &+= 1
            _ = try? caller.peer.sendRTP(mid: videoMid, payload: payload[...], timestamp: sequence / 3 * 3000,
                                         marker: sequence % 3 == 0)
            while let output = caller.pollOutput() {
                if case let .transmit(datagram) = output { result.append(datagram) }
            }
        }
        return result
    }

    /// Feeds `datagram` to the echo and takes what it sends (the forwarded packet), handing the sent payload back
    /// as the runtime does once it has written it to the socket.
    mutating func forward(_ datagram: Datagram) {
        now = now + .milliseconds(1)
        echo.handle(datagram, now: now)
        while let output = echo.pollOutput() {
            if case let .transmit(sent) = output {
                blackHole(sent.payload.count)
                echo.recycle(sent.payload)
            } else {
                blackHole(output)
            }
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .throughput],
                                           scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 200)

    Benchmark("Echo forwards one SRTP video packet (1100-byte payload)") { benchmark in
        var pair = try ForwardingPair()
        for _ in 0..<3 { for datagram in pair.datagrams(1000) { pair.forward(datagram) } }
        for _ in 0..<20 {
            let batch = pair.datagrams(benchmark.scaledIterations.count)
            benchmark.startMeasurement()
            for datagram in batch { pair.forward(datagram) }
            benchmark.stopMeasurement()
        }
    }
}
