import Logging
import NIOCore
import NIOPosix

/// A small Redis client over one TCP connection on SwiftNIO, speaking RESP3 (`HELLO 3`):
/// - requests are pipelined: each is written at once and its reply matched in order (`send`, `pipeline`);
/// - pub/sub shares the connection (RESP3 pushes), and pushes go to `pushes`;
/// - a lost connection fails what was in flight and is reconnected with backoff, subscriptions renewed.
public actor RedisConnection {
    /// What the connection reports besides replies.
    public enum Event: Sendable {
        /// Connected (again); subscriptions have been renewed.
        case connected
        /// The connection was lost; a reconnection follows.
        case disconnected(String)
        /// An out-of-band push (a pub/sub `message`, `subscribe` confirmations, ...).
        case push([RESPValue])
    }

    /// Where the server is.
    public nonisolated let address: RedisAddress
    /// Connection events and pushes, in order.
    public nonisolated let events: AsyncStream<Event>
    private let eventSink: AsyncStream<Event>.Continuation
    private let logger: Logger
    private var writer: AsyncStream<[UInt8]>.Continuation?
    private var pending: [ReplyWaiter] = []
    private var pendingStart = 0
    private var channels: Set<String> = []
    private var runner: Task<Void, Never>?
    private var stopped = false
    /// Replies received so far (each a completed round trip).
    public private(set) var roundTrips = 0
    /// Whether a connection is up.
    public var isConnected: Bool { writer != nil }

    /// A client for `address`; nothing happens until `start()`.
    public init(address: RedisAddress, logger: Logger = Logger(label: "linkup.redis")) {
        self.address = address
        self.logger = logger
        (events, eventSink) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
    }

    /// Connects in the background, and again whenever the connection is lost, until `stop()`.
    public func start() {
        guard runner == nil else { return }
        runner = Task { await self.run() }
    }

    /// Closes the connection for good.
    public func stop() {
        stopped = true
        writer?.finish()
        runner?.cancel()
        failPending(.connectionLost)
        eventSink.finish()
    }

    /// Sends one command and waits for its reply; an error reply throws `RedisError.server`.
    @discardableResult
    public func send(_ command: [String]) async throws -> RESPValue {
        guard let writer else { throw RedisError.notConnected }
        return try await withCheckedThrowingContinuation { continuation in
            pending.append(.single(continuation))
            writer.yield(RESPEncoder.command(command))
        }.throwingErrorReply()
    }

    /// Sends several commands in one write and returns their replies in order (error replies included as values).
    public func pipeline(_ commands: [[String]]) async throws -> [RESPValue] {
        guard let writer else { throw RedisError.notConnected }
        guard !commands.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            let batch = PipelineBatch(count: commands.count, continuation: continuation)
            var bytes: [UInt8] = []
            for (index, command) in commands.enumerated() {
                bytes += RESPEncoder.command(command)
                pending.append(.batch(batch, index))
            }
            writer.yield(bytes)
        }
    }

    /// Subscribes to `channels` (now if connected, and again after every reconnection). Messages arrive as pushes.
    public func subscribe(_ names: [String]) {
        channels.formUnion(names)
        // In RESP3 the confirmation is a push, not a reply: nothing waits for it.
        writer?.yield(RESPEncoder.command(["SUBSCRIBE"] + names))
    }

    // MARK: The connection loop

    private func run() async {
        var delay = Duration.milliseconds(100)
        while !stopped, !Task.isCancelled {
            let reason = await runConnection()
            writer = nil
            failPending(.connectionLost)
            if stopped { break }
            eventSink.yield(.disconnected(reason))
            logger.warning("redis connection lost; reconnecting",
                           metadata: ["reason": "\(reason)", "address": "\(address.host):\(address.port)"])
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }

    private func runConnection() async -> String {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .connectTimeout(.seconds(3))
                .connect(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            let (frames, writer) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .unbounded)
            self.writer = writer
            pendingStart = 0
            pending = []
            // The handshake and the subscriptions go first, before anything queued later.
            pending.append(.hello(eventSink))
            writer.yield(RESPEncoder.command(["HELLO", "3"]))
            if !channels.isEmpty { writer.yield(RESPEncoder.command(["SUBSCRIBE"] + channels.sorted())) }
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await bytes in frames {
                            try await outbound.write(ByteBuffer(bytes: bytes))
                        }
                    }
                    group.addTask {
                        var parser = RESPParser()
                        for try await buffer in inbound {
                            parser.append(buffer.readableBytesView)
                            var values: [RESPValue] = []
                            do throws(RESPError) {
                                while let value = try parser.next() { values.append(value) }
                            } catch {
                                throw RedisError.protocolError(error)
                            }
                            await self.received(values)
                        }
                        throw RedisError.connectionLost
                    }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            }
            return "closed"
        } catch {
            return "\(error)"
        }
    }

    private func received(_ values: [RESPValue]) {
        for value in values {
            if case .push(let elements) = value {
                eventSink.yield(.push(elements))
                continue
            }
            guard pendingStart < pending.count else {
                logger.warning("redis reply without a request", metadata: ["reply": "\(value)"])
                continue
            }
            let waiter = pending[pendingStart]
            pendingStart += 1
            if pendingStart > 64, pendingStart * 2 > pending.count {
                pending.removeFirst(pendingStart)
                pendingStart = 0
            }
            roundTrips += 1
            waiter.resume(with: .success(value))
        }
    }

    private func failPending(_ error: RedisError) {
        let waiting = pending[pendingStart...]
        pending = []
        pendingStart = 0
        for waiter in waiting { waiter.resume(with: .failure(error)) }
    }
}

extension RESPValue {
    /// The value, or `RedisError.server` for an error reply.
    func throwingErrorReply() throws(RedisError) -> RESPValue {
        if case .error(let message) = self { throw .server(message) }
        return self
    }
}

/// Who waits for the next reply: one `send`, or one command of a `pipeline`.
private enum ReplyWaiter {
    case single(CheckedContinuation<RESPValue, any Error>)
    case batch(PipelineBatch, Int)
    /// The `HELLO 3` of a new connection: its success is the `.connected` event.
    case hello(AsyncStream<RedisConnection.Event>.Continuation)

    func resume(with result: Result<RESPValue, RedisError>) {
        switch self {
        case .hello(let sink):
            if case .success(let value) = result, !value.isError { sink.yield(.connected) }
        case .single(let continuation): continuation.resume(with: result.mapError { $0 as any Error })
        case .batch(let batch, let index): batch.complete(index, result)
        }
    }
}

/// The replies of one pipeline, collected in order; only touched on the connection's actor.
private final class PipelineBatch {
    private var replies: [RESPValue?]
    private var remaining: Int
    private var continuation: CheckedContinuation<[RESPValue], any Error>?

    init(count: Int, continuation: CheckedContinuation<[RESPValue], any Error>) {
        replies = Array(repeating: nil, count: count)
        remaining = count
        self.continuation = continuation
    }

    func complete(_ index: Int, _ result: Result<RESPValue, RedisError>) {
        guard let continuation else { return }
        switch result {
        case .failure(let error):
            self.continuation = nil
            continuation.resume(throwing: error)
        case .success(let value):
            replies[index] = value
            remaining -= 1
            if remaining == 0 {
                self.continuation = nil
                continuation.resume(returning: replies.map { $0 ?? .null })
            }
        }
    }
}
