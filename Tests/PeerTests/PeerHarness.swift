import ICE
import Peer
import RTP
import SCTP
import SDP
import Simulation
import Wire

/// A `Peer` on the simulated network at one host address, remembering what it reported.
struct PeerEndpoint: SimulatedEndpoint {
    var peer: Peer
    var addresses: [TransportAddress]
    var events: [PeerEvent] = []
    var received: [Mid: [RTPPacket]] = [:]
    var connectedAt: Instant?
    private var pending: [Datagram] = []

    init(seed: UInt64, address: TransportAddress, configuration: PeerConfiguration = PeerConfiguration()) throws {
        peer = try Peer(configuration: configuration, random: SeededGenerator(seed: seed))
        addresses = [address]
        peer.addLocalHostCandidate(address, now: .zero)
        peer.finishGathering(now: .zero)
        drain(now: .zero)
    }

    /// Drops every DTLS record that arrives (a middlebox that lets STUN through but not DTLS).
    var dropsDTLS = false

    mutating func receive(_ datagram: Datagram, now: Instant) {
        if dropsDTLS, DatagramKind(classifying: datagram.payload) == .dtls { return }
        peer.handle(datagram, now: now)
        drain(now: now)
    }

    mutating func handleTimeout(now: Instant) {
        peer.handleTimeout(now: now)
        drain(now: now)
    }

    mutating func pollTransmit() -> Datagram? {
        pending.isEmpty ? nil : pending.removeFirst()
    }

    func nextDeadline() -> Instant? { peer.nextDeadline() }

    mutating func drain(now: Instant) {
        while let output = peer.pollOutput() {
            switch output {
            case let .transmit(datagram):
                pending.append(datagram)
            case let .event(event):
                events.append(event)
                if case let .rtp(mid, packet) = event { received[mid, default: []].append(packet) }
                if case .connectionStateChanged(.connected) = event, connectedAt == nil { connectedAt = now }
            case .stream:
                break  // the simulated network has no TCP: no TURN over streams here
            }
        }
    }

    /// The data channel events reported so far.
    var dataEvents: [DataChannelEvent] {
        events.compactMap { if case let .dataChannel(event) = $0 { event } else { nil } }
    }

    /// The messages that arrived on data channel `id`, in order.
    func messages(on id: UInt16) -> [DataChannelMessage] {
        dataEvents.compactMap { if case let .message(channel, message) = $0, channel == id { message } else { nil } }
    }

    /// The id of the channel labelled `label`, from its `opened` event.
    func openedChannel(_ label: String) -> UInt16? {
        for event in dataEvents { if case let .opened(id, name, _, _) = event, name == label { return id } }
        return nil
    }

    var failure: PeerError? {
        for event in events { if case let .failed(error) = event { return error } }
        return nil
    }
}

/// An offerer (index 0) and an answerer (index 1) that negotiated through direct SDP exchange.
struct PeerCall {
    var loop: SimulationLoop<PeerEndpoint>
    static let offererAddress = TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000)
    static let answererAddress = TransportAddress(ip: .v4(10, 0, 0, 2), port: 6000)

    init(seed: UInt64 = 1, conditions: NetworkConditions = .perfect,
         offererConfiguration: PeerConfiguration = PeerConfiguration(),
         answererConfiguration: PeerConfiguration = PeerConfiguration(),
         tamperAnswer: (String) -> String = { $0 },
         beforeOffer: (inout Peer) throws -> Void = { _ in }) throws {
        var offerer = try PeerEndpoint(seed: seed &* 7 &+ 1, address: Self.offererAddress,
                                       configuration: offererConfiguration)
        var answerer = try PeerEndpoint(seed: seed &* 7 &+ 2, address: Self.answererAddress,
                                        configuration: answererConfiguration)
        try beforeOffer(&offerer.peer)
        let offer = try offerer.peer.createOffer()
        try offerer.peer.setLocalDescription(offer, type: .offer, now: .zero)
        try answerer.peer.setRemoteDescription(offer, type: .offer, now: .zero)
        let answer = try answerer.peer.createAnswer()
        try answerer.peer.setLocalDescription(answer, type: .answer, now: .zero)
        try offerer.peer.setRemoteDescription(tamperAnswer(answer), type: .answer, now: .zero)
        offerer.drain(now: .zero)
        answerer.drain(now: .zero)
        loop = SimulationLoop(endpoints: [offerer, answerer], network: SimulatedNetwork(seed: seed, conditions: conditions))
    }

    var offerer: PeerEndpoint { loop.endpoints[0] }
    var answerer: PeerEndpoint { loop.endpoints[1] }

    /// Runs until both peers are connected (SRTP keys in place) or `timeout` of virtual time passes.
    mutating func runUntilConnected(timeout: Duration = .seconds(30)) -> Bool {
        loop.run(for: timeout) { loop in loop.endpoints.allSatisfy { $0.peer.connectionState == .connected } }
    }

    /// Sends `count` packets each way on every transceiver, 20 ms apart, then lets them arrive.
    mutating func exchangeMedia(count: Int) throws {
        for sequence in 0..<count {
            for side in 0..<2 {
                for transceiver in loop.endpoints[side].peer.transceivers where transceiver.direction.sends {
                    let payload: [UInt8] = [UInt8(side), UInt8(truncatingIfNeeded: sequence)] + Array(repeating: 0xAB, count: 100)
                    try loop.endpoints[side].peer.sendRTP(mid: transceiver.mid, payload: payload[...],
                                                          timestamp: UInt32(sequence * 960))
                }
                loop.endpoints[side].drain(now: loop.now)
            }
            loop.run(for: .milliseconds(20))
        }
        loop.run(for: .seconds(1))
    }
}
