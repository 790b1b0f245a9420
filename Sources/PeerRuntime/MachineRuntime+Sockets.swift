import Logging
import NIOCore
import NIOPosix
import Wire

/// Binding, writing and re-opening the runtime's UDP sockets.
extension MachineRuntime {
    /// Binds a UDP socket on `ip` (port 0: the system picks one) and returns its address. Datagrams that arrive on
    /// it go to the machine; transmits whose `local` is this address leave from it.
    ///
    /// - Parameters:
    ///   - ip: A local address (from `HostAddress.enumerate(_:)`, or 127.0.0.1 / ::1).
    ///   - port: The port, or 0 for any free one.
    ///   - interfaceIndex: The scope a link-local IPv6 address needs; ignored otherwise.
    @discardableResult
    public func bind(_ ip: IPAddress, port: UInt16 = 0, interfaceIndex: Int = 0) async throws(RuntimeError)
        -> TransportAddress {
        guard !isClosed else { throw RuntimeError(.closed, "The runtime is closed; no socket can be bound") }
        let requested = TransportAddress(ip: ip, port: port)
        let scopeID = ip.isV6 && ip.isLinkLocal ? UInt32(clamping: interfaceIndex) : 0
        guard let socketAddress = SocketAddress(requested, scopeID: scopeID) else {
            throw RuntimeError(.invalidAddress, "\(ip) is not an address a UDP socket can be bound on")
        }
        let channel: any Channel
        do {
            channel = try await makeBootstrap().bind(to: socketAddress).get()
        } catch {
            throw RuntimeError(.bindFailed, "Could not bind a UDP socket on \(requested)", underlying: error)
        }
        guard let local = channel.localAddress.flatMap(TransportAddress.init) else {
            channel.close(promise: nil)
            throw RuntimeError(.bindFailed, "The socket bound on \(requested) has no IP address")
        }
        guard !isClosed else {
            // close() ran while the bind was in flight.
            channel.close(promise: nil)
            throw RuntimeError(.closed, "The runtime was closed while binding \(requested)")
        }
        sockets.append(BoundSocket(address: local, scopeID: scopeID, channel: channel))
        logger.debug("bound UDP socket", metadata: ["local": "\(local)"])
        return local
    }

    /// Binds one socket per host address (port 0 each) and returns the addresses bound, in order. An address that
    /// cannot be bound is logged and skipped; it throws only when none could be bound.
    @discardableResult
    public func bind(_ hosts: [HostAddress], port: UInt16 = 0) async throws(RuntimeError) -> [TransportAddress] {
        var bound: [TransportAddress] = []
        var firstError: RuntimeError?
        for host in hosts {
            do {
                bound.append(try await bind(host.ip, port: port, interfaceIndex: host.interfaceIndex))
            } catch {
                if error.code == .closed { throw error }
                logger.warning("could not bind a host address", metadata: ["address": "\(host)", "error": "\(error)"])
                firstError = firstError ?? error
            }
        }
        if bound.isEmpty, let firstError { throw firstError }
        return bound
    }

    /// A bootstrap for one socket of this runtime on its loop, with the receiving handler installed.
    nonisolated func makeBootstrap() -> DatagramBootstrap {
        DatagramBootstrap(group: eventLoop)
            // recvmmsg(2): up to 8 datagrams per system call on a busy socket. NIO splits one receive buffer
            // evenly between the messages of a vector read, so the buffer must hold 8 of the largest datagram
            // (NIO's default 2048-byte buffer would cut every datagram to 128 bytes and truncate DTLS and media).
            .channelOption(.datagramVectorReadMessageCount, value: MachineRuntimeLimits.vectorReadCount)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(
                capacity: MachineRuntimeLimits.vectorReadCount * MachineRuntimeLimits.maximumDatagramSize))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramReceiver(runtime: self))
                }
            }
    }

    /// Writes `datagram` to the socket bound on its `local` address (flushed later, once per batch). Nothing here
    /// throws: a datagram that cannot go out is logged and dropped, as UDP would lose it anyway.
    func send(_ datagram: Datagram) {
        guard let index = sockets.firstIndex(where: { $0.address == datagram.local }) else {
            logger.warning("no open socket for a transmit; dropped", metadata: ["datagram": "\(datagram)"])
            return
        }
        // Destinations the kernel would refuse are dropped here: NIO closes a datagram socket on such a send
        // error, and re-opening it (see `socketClosed(_:)`) would lose whatever else is queued on it.
        guard datagram.remote.ip.isV6 == datagram.local.ip.isV6, datagram.remote.port != 0,
              datagram.remote.ip.isV4Mapped == datagram.local.ip.isV4Mapped else {
            logger.warning("transmit to an address this socket cannot reach; dropped",
                           metadata: ["datagram": "\(datagram)"])
            return
        }
        // NIO boxes a SocketAddress's storage: a call sends to one remote almost always, so reuse the last one.
        let remote: SocketAddress
        if let cached = sockets[index].lastRemote, cached.address == datagram.remote {
            remote = cached.socketAddress
        } else {
            guard let made = SocketAddress(datagram.remote, scopeID: sockets[index].scopeID) else {
                logger.warning("transmit to an address this socket cannot reach; dropped",
                               metadata: ["datagram": "\(datagram)"])
                return
            }
            remote = made
            sockets[index].lastRemote = (datagram.remote, made)
        }
        // No `isWritable` gate: NIO 2.101 leaves a datagram channel unwritable for good after a recoverable send
        // error (EMSGSIZE, EHOSTUNREACH) on a large write, which would silence the socket. UDP rarely queues
        // anyway: the kernel takes a datagram or fails it.
        let channel = sockets[index].channel
        logger.trace("sending", metadata: ["datagram": "\(datagram)"])
        // Marked before the write: nothing below may touch `sockets` by index again.
        sockets[index].needsFlush = true
        let buffer = channel.allocator.buffer(bytes: datagram.payload)
        // No promise per packet (it and its callback would cost allocations on every send): a failed write is
        // lost as UDP would lose it, and errors that matter reach `DatagramReceiver.errorCaught` or close the
        // socket (`socketClosed(_:)`).
        channel.write(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
    }

    /// Flushes every socket written to since the last flush; called after each batch of inputs.
    ///
    /// A flush can fail a write so badly that NIO closes the socket, and that reaches `socketClosed(_:)`
    /// synchronously, removing the socket from `sockets` while this loop runs: hence the bounds check on every step.
    func flushPendingWrites() {
        var index = 0
        while index < sockets.count {
            if sockets[index].needsFlush {
                sockets[index].needsFlush = false
                let channel = sockets[index].channel
                channel.flush()
            }
            index += 1
        }
    }

    /// A socket's channel went inactive. When the runtime did not close it, NIO did, after a send error it treats as
    /// fatal for the channel (ENETUNREACH, EINVAL, EACCES ...): bind the same address and port again so one bad
    /// destination does not cost the machine its socket.
    func socketClosed(_ channel: any Channel) {
        guard !isClosed, let index = sockets.firstIndex(where: { $0.channel === channel }) else { return }
        let socket = sockets.remove(at: index)
        logger.warning("socket closed after an error; binding it again", metadata: ["local": "\(socket.address)"])
        guard let address = SocketAddress(socket.address, scopeID: socket.scopeID) else { return }
        let reopened = eventLoop.makePromise(of: Void.self)
        pendingReopens.append(reopened.futureResult)
        makeBootstrap().bind(to: address).whenComplete { [weak self] result in
            defer { reopened.succeed() }
            guard let self else {
                if case let .success(channel) = result { channel.close(promise: nil) }
                return
            }
            self.assumeIsolated { $0.socketReopened(socket, result: result) }
        }
    }

    /// Waits until every socket that is being bound again after an error is open (or given up on). Tests use it
    /// to know the runtime has recovered without sleeping.
    func socketsSettled() async {
        while !pendingReopens.isEmpty {
            let waiting = pendingReopens
            pendingReopens.removeAll()
            for future in waiting { try? await future.get() }
        }
    }

    private func socketReopened(_ socket: BoundSocket, result: Result<any Channel, any Error>) {
        switch result {
        case let .success(channel):
            guard !isClosed else {
                channel.close(promise: nil)
                return
            }
            var reopened = socket
            reopened.channel = channel
            reopened.needsFlush = false
            sockets.append(reopened)
            logger.debug("bound UDP socket again", metadata: ["local": "\(socket.address)"])
        case let .failure(error):
            logger.error("could not bind a socket again; it is lost",
                         metadata: ["local": "\(socket.address)", "error": "\(error)"])
        }
    }
}

/// Receive sizing of the runtime's sockets.
enum MachineRuntimeLimits {
    /// Datagrams read per recvmmsg(2) call.
    static let vectorReadCount = 8
    /// The largest datagram received whole. WebRTC keeps packets under the path MTU (DTLS and RTP here use at most
    /// 1200 bytes), so 4 KiB leaves room for any peer's jumbo frame while keeping the per-read buffer at 32 KiB.
    static let maximumDatagramSize = 4_096
    /// Events waiting for the owner at most: several seconds of a call's media (RTP reaches the owner only when
    /// the media engine is not inside the machine); state changes never come near it.
    static let eventBacklog = 4_096
}
