import Wire

/// A TURN allocation the agent gathers a relayed candidate from: the sans-IO client and how its messages travel
/// (from a host socket over UDP, or over a stream connection the runtime opens).
struct RelayAllocation {
    var client: TURNClient
    /// The host socket a UDP allocation uses; nil for TCP and TLS.
    var base: TransportAddress?
    /// The stream connection of a TCP or TLS allocation.
    var stream: StreamID?
    var framer = TURNStreamFramer()
    /// The relayed candidate, once allocated.
    var candidate: Candidate?
    /// Allocated or given up on: gathering no longer waits for it.
    var done = false

    /// True when a datagram from `remote` on socket `local` is the server talking to this allocation.
    func isServer(_ remote: TransportAddress, on local: TransportAddress) -> Bool {
        base == local && client.server.address == remote
    }
}
