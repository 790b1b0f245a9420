import Wire

/// What a sans-IO machine asks its runtime to do, one step at a time.
public enum SansIOOutput<Event> {
    /// Send this datagram from the socket bound on `local` to `remote`.
    case transmit(Datagram)
    /// Hand this to the owner of the machine.
    case event(Event)
    /// Open, write to or close a stream connection (TCP/TLS to a TURN server).
    case stream(StreamCommand)
}

extension SansIOOutput: Sendable where Event: Sendable {}
extension SansIOOutput: Equatable where Event: Equatable {}
extension SansIOOutput: Hashable where Event: Hashable {}

/// A protocol core with the sans-IO shape of ARCHITECTURE.md: it never touches a socket or a clock itself.
///
/// The runtime passes every received datagram to `handle(_:now:)`, calls `handleTimeout(now:)` once
/// `nextDeadline()` has passed, and after every input drains `pollOutput()` until it returns nil. A machine keeps
/// its own `Output` enum (so it does not depend on this module); `sansIOOutput(_:)` maps it for the runtime. A machine
/// whose `Output` already is `SansIOOutput<Event>` gets that mapping for free.
///
/// The metatype must be `Sendable` (a nonisolated conformance) because the runtime's NIO callbacks, which are
/// `@Sendable` closures, name the machine's type.
public protocol SansIOMachine: SendableMetatype {
    /// What the machine reports to its owner (state changes, candidates, media, ...).
    associatedtype Event: Sendable
    /// The machine's own output type, returned by `pollOutput()`.
    associatedtype Output

    /// Feeds one datagram that arrived on one of the runtime's sockets. A machine drops what it cannot use; an
    /// error it throws is logged by the runtime and does not stop it.
    mutating func handle(_ datagram: Datagram, now: Instant) throws
    /// Runs whatever timers are due at `now`.
    mutating func handleTimeout(now: Instant)
    /// Feeds what happened to one of the machine's stream connections.
    mutating func handleStreamEvent(_ event: StreamEvent, now: Instant)
    /// The next thing to do, or nil when drained.
    mutating func pollOutput() -> Output?
    /// The earliest time the machine wants `handleTimeout(now:)`; nil when it only waits for input.
    func nextDeadline() -> Instant?
    /// Maps one of the machine's outputs to what the runtime understands.
    static func sansIOOutput(_ output: Output) -> SansIOOutput<Event>
    /// Takes back the payload of a transmitted datagram once it is written to the socket, so the machine can
    /// send the next one in the same memory.
    mutating func recycle(_ payload: consuming [UInt8])
}

extension SansIOMachine {
    /// A machine that opens no streams gets no stream events.
    public mutating func handleStreamEvent(_ event: StreamEvent, now: Instant) {}

    /// A machine that keeps no buffers lets sent payloads go.
    public mutating func recycle(_ payload: consuming [UInt8]) {}
}

extension SansIOMachine where Output == SansIOOutput<Event> {
    /// A machine that already speaks `SansIOOutput` needs no mapping.
    public static func sansIOOutput(_ output: Output) -> SansIOOutput<Event> { output }
}
