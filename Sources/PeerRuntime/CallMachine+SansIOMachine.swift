import MediaSession
import Peer
import Wire

/// The runtime drives a whole call: its peer's datagrams go to the sockets, its media engine runs inside, and
/// what the owner hears (peer events, codec work) goes to its event stream.
extension CallMachine: SansIOMachine {
    /// `transmit`, `event` and `stream` map one to one.
    public static func sansIOOutput(_ output: CallOutput) -> SansIOOutput<CallEvent> {
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
