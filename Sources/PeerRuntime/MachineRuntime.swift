import Logging
import NIOCore
import NIOPosix
import Wire

/// Owns one sans-IO machine (an `ICEAgent` today, a `Peer` soon) and does all of its I/O: UDP sockets, one timer,
/// the clock, and the stream of events to the owner.
///
/// The actor runs on a SwiftNIO event loop (its executor *is* the loop), so the channel handlers of its sockets,
/// which run on the same loop, enter it synchronously with `assumeIsolated`: every datagram reaches the machine in
/// arrival order with no task hop per packet. After every input (a datagram, the timer, or an owner's command
/// through `withMachine(_:)`) the runtime drains the machine's outputs: transmits are written to the socket bound on
/// `Datagram.local` and flushed once per batch, events are yielded to `events`, and the single timer is moved to
/// the machine's new `nextDeadline()`.
///
/// A send error never ends the runtime: it is logged, and if NIO had to close the socket because of it (as it
/// does for ENETUNREACH or EINVAL on a datagram channel), the socket is bound again on the same address and port.
public actor MachineRuntime<Machine: SansIOMachine> {
    /// The event loop the actor, its sockets and its timer run on.
    public nonisolated let eventLoop: any EventLoop
    /// What the machine reports, in order. It finishes when the runtime is closed (or deinitialized); consume it
    /// from one task.
    public nonisolated let events: AsyncStream<Machine.Event>

    /// Runs the actor on `eventLoop`, so NIO callbacks on that loop can enter it with `assumeIsolated`.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        eventLoop.executor.asUnownedSerialExecutor()
    }

    var machine: Machine
    let eventSink: AsyncStream<Machine.Event>.Continuation
    let logger: Logger
    /// The open sockets, in the order they were bound. There are few (one per interface address), so lookups scan.
    var sockets: [BoundSocket] = []
    /// The one scheduled timer and the deadline it was scheduled for.
    var timer: Scheduled<Void>?
    var timerDeadline: Instant?
    /// Tells a timer that fired after it was replaced (its cancel lost the race) to do nothing.
    var timerGeneration: UInt64 = 0
    var isClosed = false
    /// Completes when a socket closed by an error has been bound again (see `socketClosed(_:)`).
    var pendingReopens: [EventLoopFuture<Void>] = []
    /// The open stream connections (TCP/TLS to TURN servers), by the machine's names for them.
    var streams: [StreamID: any Channel] = [:]
    /// PEM files of certificate authorities trusted for TLS besides the system's.
    var additionalTrustRootFiles: [String] = []
    /// See `divertEvents(_:)`.
    var eventDiversion: (@Sendable (Machine.Event) -> Machine.Event?)?

    /// One UDP socket of the runtime.
    struct BoundSocket: Sendable {
        /// The address it is bound on (the actual port when port 0 was asked for).
        var address: TransportAddress
        /// The IPv6 scope (interface index) it was bound with, so it can be bound again the same way.
        var scopeID: UInt32
        var channel: any Channel
        /// Written to since the last flush.
        var needsFlush = false
        /// The last destination and NIO's address for it (see `send(_:)`).
        var lastRemote: (address: TransportAddress, socketAddress: SocketAddress)?
    }

    /// A runtime for `machine` on `eventLoop`, with no sockets yet (see `bind(_:port:)`).
    ///
    /// - Parameters:
    ///   - machine: The machine; the runtime owns it from now on (reach it with `withMachine(_:)`).
    ///   - eventLoop: The loop for the actor, its sockets and its timer; by default one of `MediaEventLoops`.
    ///   - logger: Where the runtime logs; by default the label `linkup.runtime`.
    public init(machine: sending Machine,
                eventLoop: any EventLoop = MediaEventLoops.group.next(),
                logger: Logger = Logger(label: "linkup.runtime")) {
        self.machine = machine
        self.eventLoop = eventLoop
        self.logger = logger
        (events, eventSink) = AsyncStream.makeStream(
            of: Machine.Event.self, bufferingPolicy: .bufferingOldest(MachineRuntimeLimits.eventBacklog))
    }

    deinit {
        // Nothing else can reach the actor any more; channels and timers are safe to cancel from any thread.
        timer?.cancel()
        for socket in sockets { socket.channel.close(promise: nil) }
        for stream in streams.values { stream.close(promise: nil) }
        eventSink.finish()
    }

    // MARK: Owner commands

    /// Runs `body` on the machine with the current time, then drains its outputs (sending, reporting) and
    /// reschedules the timer, exactly as after a received datagram. This is how an owner issues commands:
    /// `await runtime.withMachine { agent, now in agent.addRemoteCandidate(candidate, now: now) }`.
    ///
    /// After `close()`, `body` still runs (to read state), but nothing it produces is sent or reported.
    public func withMachine<R>(_ body: (inout Machine, Instant) throws -> sending R) rethrows -> sending R {
        let now = RuntimeClock.now()
        defer { drainOutputs(flush: true) }
        return try body(&machine, now)
    }

    /// Runs `body` on the machine on the event loop, later and in submission order, without the caller waiting:
    /// how a codec thread hands its results back (one loop task per result, no `Task` and no `await`).
    public nonisolated func enqueue(_ body: @escaping @Sendable (inout Machine, Instant) -> Void) {
        eventLoop.execute { [weak self] in
            self?.assumeIsolated { runtime in
                guard !runtime.isClosed else { return }
                runtime.withMachine { machine, now in body(&machine, now) }
            }
        }
    }

    /// Events the owner takes on the loop as they happen, before they reach `events`: `divert` returns nil for an
    /// event it took (handing codec work to a worker's bounded queue, say) and the event itself otherwise. It runs
    /// on the event loop and must not block.
    public func divertEvents(_ divert: @escaping @Sendable (Machine.Event) -> Machine.Event?) {
        eventDiversion = divert
    }

    /// The addresses of the open sockets, in the order they were bound: what to announce as host candidates.
    public var boundAddresses: [TransportAddress] { sockets.map(\.address) }

    /// Events the owner did not take in time and that were dropped (the backlog was full).
    public private(set) var droppedEvents = 0

    /// An owner that falls behind loses the newest events rather than letting memory and latency grow without
    /// bound; the first drop, and every 1000th after it, is logged.
    private func eventDropped() {
        droppedEvents += 1
        if droppedEvents % 1000 == 1 {
            logger.warning("the owner is not keeping up with the machine's events; dropping the newest",
                           metadata: ["dropped": "\(droppedEvents)", "backlog": "\(MachineRuntimeLimits.eventBacklog)"])
        }
    }

    /// Closes every socket (after flushing what is pending), cancels the timer and finishes `events`. Further
    /// datagrams and timers are ignored. Calling it again does nothing.
    public func close() async {
        guard !isClosed else { return }
        isClosed = true
        flushPendingWrites()
        cancelTimer()
        let channels = sockets.map(\.channel) + Array(streams.values)
        sockets.removeAll()
        streams.removeAll()
        eventSink.finish()
        for channel in channels {
            // A socket NIO already closed after an error reports alreadyClosed; that is the state we want anyway.
            try? await channel.close()
        }
        logger.debug("runtime closed", metadata: ["sockets": "\(channels.count)"])
    }

    // MARK: Inputs from the loop

    /// Feeds a datagram that arrived on one of the sockets; called on the loop by `DatagramReceiver`. Writes are
    /// flushed at the end of the read batch (`flushPendingWrites()`), not per datagram.
    func receive(_ datagram: Datagram) {
        guard !isClosed else { return }
        logger.trace("received", metadata: ["datagram": "\(datagram)"])
        do {
            try machine.handle(datagram, now: RuntimeClock.now())
        } catch {
            logger.debug("machine rejected a datagram", metadata: ["datagram": "\(datagram)", "error": "\(error)"])
        }
        drainOutputs(flush: false)
    }

    /// The timer scheduled as `generation` fired.
    func timerFired(generation: UInt64) {
        guard generation == timerGeneration, !isClosed else { return }
        timer = nil
        timerDeadline = nil
        machine.handleTimeout(now: RuntimeClock.now())
        drainOutputs(flush: true)
    }

    // MARK: Outputs

    /// Drains `pollOutput()` until nil, then flushes (if asked) and moves the timer to the new deadline.
    func drainOutputs(flush: Bool) {
        while let output = machine.pollOutput() {
            switch Machine.sansIOOutput(output) {
            case let .transmit(datagram):
                if !isClosed { send(datagram) }
                machine.recycle(datagram.payload)
            case let .event(event):
                guard let kept = eventDiversion.map({ $0(event) }) ?? event else { continue }
                if case .dropped = eventSink.yield(kept) { eventDropped() }
            case let .stream(command):
                if !isClosed { perform(command) }
            }
        }
        if flush { flushPendingWrites() }
        rescheduleTimer()
    }

    /// Keeps exactly one timer, at the machine's `nextDeadline()`: untouched when the deadline did not change,
    /// replaced when it did, cancelled when there is none.
    func rescheduleTimer() {
        let deadline = isClosed ? nil : machine.nextDeadline()
        guard deadline != timerDeadline || (deadline != nil && timer == nil) else { return }
        cancelTimer()
        guard let deadline else { return }
        timerGeneration &+= 1
        let generation = timerGeneration
        timerDeadline = deadline
        timer = eventLoop.scheduleTask(deadline: RuntimeClock.deadline(for: deadline)) { [weak self] in
            self?.assumeIsolated { $0.timerFired(generation: generation) }
        }
    }

    func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
        timerGeneration &+= 1
    }
}
