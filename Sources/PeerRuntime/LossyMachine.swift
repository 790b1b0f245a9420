import Wire

/// A machine whose outgoing datagrams cross a lossy path: each is dropped with probability `loss`, drawn from a
/// seeded generator so a run with the same seed loses the same packets. `linkup loopback --loss` uses it to put
/// real UDP on loopback under the conditions NACK, RTX and PLI exist for.
public struct LossyMachine<Machine: SansIOMachine>: SansIOMachine {
    /// The wrapped machine's events, unchanged.
    public typealias Event = Machine.Event
    /// Outputs are already mapped to the runtime's form.
    public typealias Output = SansIOOutput<Machine.Event>

    /// The machine behind the lossy path.
    public var machine: Machine
    /// Probability in 0...1 that an outgoing datagram is dropped.
    public var loss: Double
    private var random: SeededGenerator
    /// Datagrams dropped so far.
    public private(set) var dropped = 0
    /// Datagrams let through so far.
    public private(set) var passed = 0

    /// Wraps `machine`; `seed` fixes which datagrams are lost.
    public init(_ machine: Machine, loss: Double, seed: UInt64) {
        self.machine = machine
        self.loss = loss
        random = SeededGenerator(seed: seed)
    }

    /// Arriving datagrams are not touched: the other side's wrapper already decided their fate.
    public mutating func handle(_ datagram: Datagram, now: Instant) throws {
        try machine.handle(datagram, now: now)
    }

    /// Passes timers through.
    public mutating func handleTimeout(now: Instant) { machine.handleTimeout(now: now) }

    /// Passes stream events through.
    public mutating func handleStreamEvent(_ event: StreamEvent, now: Instant) {
        machine.handleStreamEvent(event, now: now)
    }

    /// The machine's next output, skipping the transmits the path loses.
    public mutating func pollOutput() -> SansIOOutput<Machine.Event>? {
        while let output = machine.pollOutput() {
            let mapped = Machine.sansIOOutput(output)
            if case .transmit = mapped {
                if loss > 0, Double.random(in: 0..<1, using: &random) < loss {
                    dropped += 1
                    continue
                }
                passed += 1
            }
            return mapped
        }
        return nil
    }

    /// Sent buffers go back to the machine.
    public mutating func recycle(_ payload: consuming [UInt8]) { machine.recycle(payload) }

    /// The machine's deadline.
    public func nextDeadline() -> Instant? { machine.nextDeadline() }
}
