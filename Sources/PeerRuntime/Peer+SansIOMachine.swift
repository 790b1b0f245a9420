import Peer
import Wire

/// The runtime drives a whole `Peer`: its datagrams go to the sockets, its events to the owner's stream.
extension Peer: SansIOMachine {
    /// `transmit` and `event` map one to one.
    public static func sansIOOutput(_ output: PeerOutput) -> SansIOOutput<PeerEvent> {
        switch output {
        case let .transmit(datagram): return .transmit(datagram)
        case let .event(event): return .event(event)
        case let .stream(command): return .stream(command)
        }
    }

    /// Stream events go to the peer (its TURN allocations over TCP/TLS).
    public mutating func handleStreamEvent(_ event: StreamEvent, now: Instant) {
        handleStream(event, now: now)
    }
}
