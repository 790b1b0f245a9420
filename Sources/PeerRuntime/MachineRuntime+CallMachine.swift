import MediaSession
import Peer
import Wire

extension MachineRuntime where Machine == CallMachine {
    /// Runs `body` on the call's peer with the current time, then drains outputs as `withMachine(_:)` does.
    public func withPeer<R>(_ body: (inout Peer, Instant) throws -> sending R) rethrows -> sending R {
        try withMachine { machine, now in try body(&machine.peer, now) }
    }
}
