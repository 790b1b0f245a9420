import ICE
import Wire

/// A bare ICE agent can be run directly (tests, the CLI's connectivity checks); inside a `Peer` it is composed
/// instead and the `Peer` is the machine.
extension ICEAgent: SansIOMachine {
    /// `transmit` and `event` map one to one.
    public static func sansIOOutput(_ output: Output) -> SansIOOutput<Event> {
        switch output {
        case let .transmit(datagram): return .transmit(datagram)
        case let .event(event): return .event(event)
        case let .stream(command): return .stream(command)
        }
    }

    /// Stream events go to the agent's TURN allocations; the checks they carried are handled.
    public mutating func handleStreamEvent(_ event: StreamEvent, now: Instant) {
        for datagram in handleStream(event, now: now) where DatagramKind(classifying: datagram.payload) == .stun {
            handleConnectivityCheck(datagram, now: now)
        }
    }
}
