import Simulation
import Wire
@testable import SCTP

/// Two `DataChannelTransport`s joined by a `SimulatedNetwork` on a virtual clock: A is the DTLS client (even ids),
/// B the server (odd ids). Each SCTP packet travels as one datagram, as it would inside one DTLS record.
struct DataChannelPair {
    var a: DataChannelTransport
    var b: DataChannelTransport
    var network: SimulatedNetwork
    var now: Instant = .zero
    var eventsA: [DataChannelEvent] = []
    var eventsB: [DataChannelEvent] = []
    /// Every packet sent while `now` is inside this window is lost (an outage).
    var outage: Range<Instant>?
    /// Packets sent by each side.
    var sentA = 0, sentB = 0

    static let addressA = TransportAddress(ip: IPAddress("10.0.0.1")!, port: 5000)
    static let addressB = TransportAddress(ip: IPAddress("10.0.0.2")!, port: 5000)

    init(seed: UInt64 = 1, conditions: NetworkConditions = .perfect, configurationA: SCTPConfiguration = .init(),
         configurationB: SCTPConfiguration = .init()) {
        var random = SeededGenerator(seed: seed)
        a = DataChannelTransport(configuration: configurationA, isDTLSClient: true, random: &random)
        b = DataChannelTransport(configuration: configurationB, isDTLSClient: false, random: &random)
        network = SimulatedNetwork(seed: seed &+ 1000, conditions: conditions)
    }

    /// Sends what both sides have queued and collects their events.
    mutating func flush() {
        while let output = a.pollOutput() {
            switch output {
            case let .transmit(packet):
                sentA += 1
                if outage?.contains(now) != true {
                    network.send(Datagram(local: Self.addressA, remote: Self.addressB, payload: packet), now: now)
                }
            case let .event(event): eventsA.append(event)
            }
        }
        while let output = b.pollOutput() {
            switch output {
            case let .transmit(packet):
                sentB += 1
                if outage?.contains(now) != true {
                    network.send(Datagram(local: Self.addressB, remote: Self.addressA, payload: packet), now: now)
                }
            case let .event(event): eventsB.append(event)
            }
        }
    }

    /// Advances to the next arrival or deadline no later than `limit`; false when nothing was due.
    mutating func step(until limit: Instant) -> Bool {
        flush()
        guard let next = earliest(network.nextArrival, a.nextDeadline(), b.nextDeadline()), next <= limit else {
            now = max(now, limit)
            return false
        }
        now = max(now, next)
        for datagram in network.deliver(upTo: now) {
            if datagram.local == Self.addressA {
                a.handle(packet: datagram.payload[...], now: now)
            } else {
                b.handle(packet: datagram.payload[...], now: now)
            }
        }
        if let deadline = a.nextDeadline(), deadline <= now { a.handleTimeout(now: now) }
        if let deadline = b.nextDeadline(), deadline <= now { b.handleTimeout(now: now) }
        flush()
        return true
    }

    /// Runs until `condition` holds or `timeout` of virtual time passed; returns whether it held.
    @discardableResult
    mutating func run(for timeout: Duration, until condition: (DataChannelPair) -> Bool = { _ in false }) -> Bool {
        let limit = now + timeout
        var steps = 0
        while !condition(self) {
            steps += 1
            precondition(steps < 5_000_000, "simulation made no progress")
            if !step(until: limit) { return condition(self) }
        }
        return true
    }

    /// Connects: A (and B too when `both`) sends INIT; runs until both report `connected`.
    @discardableResult
    mutating func connect(both: Bool = true) -> Bool {
        a.connect(now: now)
        if both { b.connect(now: now) }
        return run(for: .seconds(30)) { $0.bothConnected }
    }

    /// Messages received by A / B on channel `id`, in order.
    func messagesA(on id: UInt16) -> [DataChannelMessage] { Self.messages(eventsA, id) }
    func messagesB(on id: UInt16) -> [DataChannelMessage] { Self.messages(eventsB, id) }

    private static func messages(_ events: [DataChannelEvent], _ id: UInt16) -> [DataChannelMessage] {
        events.compactMap { if case let .message(channel, message) = $0, channel == id { message } else { nil } }
    }
}

extension DataChannelPair {
    /// Both sides reported `connected`.
    var bothConnected: Bool { eventsA.contains(where: \.isConnected) && eventsB.contains(where: \.isConnected) }
}

extension DataChannelEvent {
    var isConnected: Bool { if case .connected = self { true } else { false } }
    var closedID: UInt16? { if case let .closed(id) = self { id } else { nil } }
    var openedID: UInt16? { if case let .opened(id, _, _, _) = self { id } else { nil } }
    var failure: SCTPError? { if case let .failed(error) = self { error } else { nil } }
}

/// A numbered binary message: 4-byte index then filler, so order and integrity can be checked.
func numbered(_ index: Int, size: Int = 100) -> DataChannelMessage {
    var bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: max(size, 4))
    bytes[0] = UInt8(truncatingIfNeeded: index >> 24)
    bytes[1] = UInt8(truncatingIfNeeded: index >> 16)
    bytes[2] = UInt8(truncatingIfNeeded: index >> 8)
    bytes[3] = UInt8(truncatingIfNeeded: index)
    return .binary(bytes)
}

/// The index a `numbered` message carries.
func index(of message: DataChannelMessage) -> Int? {
    guard case let .binary(bytes) = message, bytes.count >= 4 else { return nil }
    return Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
}
