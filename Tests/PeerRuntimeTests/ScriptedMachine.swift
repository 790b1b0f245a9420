@testable import PeerRuntime
import Wire

/// A tiny sans-IO machine for runtime tests: it reports every datagram, can echo it back, sends what a test tells
/// it to, and keeps one test-controlled deadline. Its `Output` is `SansIOOutput` itself (the protocol's default
/// mapping).
struct ScriptedMachine: SansIOMachine {
    enum Event: Hashable, Sendable {
        case received(Datagram)
        case timedOut(now: Instant, deadline: Instant)
    }

    /// Answer every datagram with "pong" + its payload, from the socket it arrived on.
    var echo = false
    /// `handle` throws for this payload (to show the runtime survives a machine error).
    var rejectedPayload: [UInt8]?
    /// The deadline a test set; cleared when it fires.
    var deadline: Instant?
    /// Every `handleTimeout` call: when it came and which deadline was set then.
    var timeoutCalls: [(now: Instant, deadline: Instant?)] = []
    var outputs: [SansIOOutput<Event>] = []

    struct Rejected: Error {}

    mutating func send(_ payload: [UInt8], from local: TransportAddress, to remote: TransportAddress) {
        outputs.append(.transmit(Datagram(local: local, remote: remote, payload: payload)))
    }

    mutating func handle(_ datagram: Datagram, now: Instant) throws {
        if datagram.payload == rejectedPayload { throw Rejected() }
        outputs.append(.event(.received(datagram)))
        if echo {
            send(Array("pong".utf8) + datagram.payload, from: datagram.local, to: datagram.remote)
        }
    }

    mutating func handleTimeout(now: Instant) {
        timeoutCalls.append((now, deadline))
        if let deadline, now >= deadline {
            outputs.append(.event(.timedOut(now: now, deadline: deadline)))
            self.deadline = nil
        }
    }

    mutating func pollOutput() -> SansIOOutput<Event>? {
        outputs.isEmpty ? nil : outputs.removeFirst()
    }

    func nextDeadline() -> Instant? { deadline }
}
