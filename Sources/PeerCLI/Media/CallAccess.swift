import MediaSession
import Peer
import PeerRuntime
import Wire

/// A runtime machine with one `CallMachine` inside: the call itself, or a call behind a lossy path
/// (`linkup loopback --loss`). `CallMedia` reaches the call through this, so one media owner serves `linkup call`,
/// `bot`, `probe` and `loopback`.
protocol CallHostingMachine: SansIOMachine where Event == CallEvent {
    /// Runs `body` on the call inside.
    mutating func withCall<R>(_ body: (inout CallMachine) throws -> R) rethrows -> R
}

extension CallMachine: CallHostingMachine {
    mutating func withCall<R>(_ body: (inout CallMachine) throws -> R) rethrows -> R { try body(&self) }
}

extension LossyMachine: CallHostingMachine where Machine == CallMachine {
    mutating func withCall<R>(_ body: (inout CallMachine) throws -> R) rethrows -> R { try body(&machine) }
}

/// What `CallMedia` needs from the runtime that owns its call, as closures over that runtime (an actor, so they
/// are `Sendable`).
struct CallAccess: Sendable {
    /// Runs a command on the call on its event loop, in order, without waiting (codec threads hand results back
    /// this way).
    let enqueue: @Sendable (_ body: @escaping @Sendable (inout CallMachine, Instant) -> Void) -> Void
    /// Runs a command on the call and waits for it (starting the engine).
    let perform: @Sendable (_ body: @escaping @Sendable (inout CallMachine, Instant) -> Void) async -> Void
    /// The media engine's counters, brought up to date; nil before it started.
    let stats: @Sendable () async -> MediaSessionStats?
    /// Takes the call's events on the loop before they reach the event stream (see `MachineRuntime.divertEvents`).
    let divert: @Sendable (_ handler: @escaping @Sendable (CallEvent) -> CallEvent?) async -> Void

    /// Access to the call inside `runtime`.
    init<Machine: CallHostingMachine>(runtime: MachineRuntime<Machine>) {
        enqueue = { body in runtime.enqueue { machine, now in machine.withCall { body(&$0, now) } } }
        perform = { body in await runtime.withMachine { machine, now in machine.withCall { body(&$0, now) } } }
        stats = { await runtime.withMachine { machine, _ in machine.withCall { $0.currentMediaStats() } } }
        divert = { handler in await runtime.divertEvents(handler) }
    }
}
