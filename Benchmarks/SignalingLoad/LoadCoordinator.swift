import NIOCore
import NIOPosix

/// Opens the clients (at most `window` connecting at once), learns when all have joined, floods chats from the first
/// `senders` clients and learns when every delivery has arrived. Everything it holds is touched on its one event
/// loop only (the connections' loop), so it needs no lock.
final class LoadCoordinator: @unchecked Sendable {
    /// Where and how many.
    struct Plan {
        var targets: [(host: String, port: Int)]
        var clients: Int
        /// The room of client `index`.
        var room: @Sendable (Int) -> String
        var window = 64
    }

    let loop: EventLoop
    private let plan: Plan
    private var started = 0
    private var joinedCount = 0
    private var chats = 0
    private var expected = Int.max
    private(set) var connections: [LoadConnection] = []
    private let allJoined: EventLoopPromise<Void>
    private let allDelivered: EventLoopPromise<Int>
    private var failed = false
    private var delivered = false

    init(loop: EventLoop, plan: Plan) {
        self.loop = loop
        self.plan = plan
        allJoined = loop.makePromise()
        allDelivered = loop.makePromise()
    }

    /// Connects every client; succeeds when each has its join acknowledged.
    func connectAll() -> EventLoopFuture<Void> {
        loop.execute {
            for _ in 0..<min(self.plan.window, self.plan.clients) { self.startNext() }
        }
        return allJoined.futureResult
    }

    private func startNext() {
        guard started < plan.clients, !failed else { return }
        let index = started
        started += 1
        let target = plan.targets[index % plan.targets.count]
        let connection = LoadConnection(coordinator: self, host: target.host, port: target.port,
                                        room: plan.room(index))
        connections.append(connection)
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in channel.pipeline.addHandler(connection) }
            .connect(host: target.host, port: target.port)
            .whenFailure { error in self.fail("connect \(index): \(error)") }
    }

    func joined() {
        joinedCount += 1
        if joinedCount == plan.clients {
            allJoined.succeed(())
        } else {
            startNext()
        }
    }

    func chatReceived() {
        chats += 1
        if chats >= expected { finishFlood() }
    }

    private func finishFlood() {
        guard !delivered else { return }
        delivered = true
        allDelivered.succeed(chats)
    }

    func connectionClosed(joined: Bool) {
        if !joined { fail("a connection closed before its join was acknowledged") }
    }

    func fail(_ reason: String) {
        guard !failed else { return }
        failed = true
        allJoined.fail(LoadError(reason))
    }

    /// Sends `perSender` copies of `frame` from each of the first `senders` clients; the future gives the chats
    /// counted when `expected` have arrived, or whatever arrived by `timeout`.
    func flood(frame: ByteBuffer, senders: Int, perSender: Int, expected: Int, timeout: TimeAmount)
        -> EventLoopFuture<Int> {
        loop.execute {
            self.expected = self.chats + expected
            for connection in self.connections.prefix(senders) {
                connection.send(frame, count: perSender)
            }
            self.loop.scheduleTask(in: timeout) { self.finishFlood() }
        }
        return allDelivered.futureResult
    }

    /// Closes every connection.
    func closeAll() -> EventLoopFuture<Void> {
        loop.submit { self.connections.forEach { $0.close() } }
    }
}

/// Why the load run stopped.
struct LoadError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
