import MediaSession
import Peer
import Wire

/// The runtime drives a whole call: its peer's datagrams go to the sockets, its media engine runs inside.
extension CallMachine: SansIOMachine {
    /// `transmit`, `event` and `stream` map one to one.
    public static func sansIOOutput(_ output: PeerOutput) -> SansIOOutput<PeerEvent> {
        Peer.sansIOOutput(output)
    }

    /// Stream events go to the peer (its TURN allocations over TCP/TLS).
    public mutating func handleStreamEvent(_ event: StreamEvent, now: Instant) {
        handleStream(event, now: now)
    }
}
