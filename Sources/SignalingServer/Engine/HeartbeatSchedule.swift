import NIOCore

/// The heartbeat deadlines of every Engine.IO session in one place (engine.io-protocol v4, "Heartbeat"): the server
/// pings a session `pingInterval` after its last pong (or its handshake), and closes it unless a pong arrives within
/// `pingTimeout`. One timer serves all sessions, instead of a sleeping task per session.
///
/// Both delays are constant, so deadlines are added in time order and each kind lives in a FIFO queue: adding,
/// and taking what is due, cost O(1). A session's newer deadline supersedes its older one through a generation
/// number; superseded entries are skipped when they come due. Sans-IO: the caller passes the time and owns the
/// timer.
struct HeartbeatSchedule {
    /// What is due for a session.
    enum Due: Equatable {
        /// Send a ping and wait for the pong.
        case ping(String)
        /// No pong came in time: close the session.
        case timeout(String)
    }

    private struct Entry {
        let deadline: ContinuousClock.Instant
        let sid: String
        let generation: UInt32
    }

    let pingInterval: Duration
    let pingTimeout: Duration
    private var pings = CircularBuffer<Entry>()
    private var timeouts = CircularBuffer<Entry>()
    /// The live generation of each session's deadline.
    private var generations: [String: UInt32] = [:]

    init(pingInterval: Duration, pingTimeout: Duration) {
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
    }

    /// The session opened, or answered a ping, at `now`: its next ping is due `pingInterval` later.
    mutating func schedulePing(_ sid: String, now: ContinuousClock.Instant) {
        pings.append(Entry(deadline: now + pingInterval, sid: sid, generation: bump(sid)))
    }

    /// The session is gone: nothing more is due for it.
    mutating func remove(_ sid: String) {
        generations[sid] = nil
    }

    /// The earliest deadline still queued (possibly a superseded one, which costs one early wake-up).
    var nextDeadline: ContinuousClock.Instant? {
        switch (pings.first?.deadline, timeouts.first?.deadline) {
        case (let ping?, let timeout?): min(ping, timeout)
        case (let ping?, nil): ping
        case (nil, let timeout?): timeout
        case (nil, nil): nil
        }
    }

    /// What is due at `now`, in deadline order per kind. A session whose ping is due now waits for its pong until
    /// `now + pingTimeout`.
    mutating func takeDue(now: ContinuousClock.Instant) -> [Due] {
        var due: [Due] = []
        while let entry = timeouts.first, entry.deadline <= now {
            timeouts.removeFirst()
            if generations[entry.sid] == entry.generation {
                generations[entry.sid] = nil
                due.append(.timeout(entry.sid))
            }
        }
        while let entry = pings.first, entry.deadline <= now {
            pings.removeFirst()
            if generations[entry.sid] == entry.generation {
                timeouts.append(Entry(deadline: now + pingTimeout, sid: entry.sid, generation: bump(entry.sid)))
                due.append(.ping(entry.sid))
            }
        }
        return due
    }

    private mutating func bump(_ sid: String) -> UInt32 {
        let generation = (generations[sid] ?? 0) &+ 1
        generations[sid] = generation
        return generation
    }
}
