import NIOCore
import NIOPosix
import NIOSSL
import Wire

/// The runtime's stream connections: TCP, and TLS over TCP, to TURN servers (RFC 8656 §3.1), opened, written and
/// closed as the machine asks with `.stream` outputs.
extension MachineRuntime {
    /// Adds a PEM file of certificate authorities trusted for TLS connections (`--ca-file`), besides the system's
    /// trust store.
    public func trustCertificateAuthorities(inFile path: String) {
        additionalTrustRootFiles.append(path)
    }

    func perform(_ command: StreamCommand) {
        switch command {
        case let .open(id, remote, localIP, tlsServerName):
            openStream(id, remote: remote, localIP: localIP, tlsServerName: tlsServerName)
        case let .send(id, bytes):
            guard let channel = streams[id] else {
                logger.debug("write to a stream that is not open; dropped", metadata: ["stream": "\(id)"])
                return
            }
            channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
        case let .close(id):
            streams.removeValue(forKey: id)?.close(promise: nil)
        }
    }

    private func openStream(_ id: StreamID, remote: TransportAddress, localIP: IPAddress?, tlsServerName: String?) {
        guard let address = SocketAddress(remote, scopeID: 0) else {
            streamClosed(id, reason: "\(remote) is not an address a TCP connection can be made to")
            return
        }
        let tls: NIOSSLContext?
        do {
            tls = try tlsServerName.map { _ in try makeTLSContext() }
        } catch {
            streamClosed(id, reason: "TLS could not be set up: \(error)")
            return
        }
        // A name that is an IP literal cannot go in SNI; the certificate is then checked against the address.
        let hostname = tlsServerName.flatMap { IPAddress($0) == nil ? $0 : nil }
        var bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(10))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [weak self] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let self else { throw ChannelError.ioOnClosedChannel }
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: hostname))
                    }
                    try channel.pipeline.syncOperations.addHandler(StreamReceiver(runtime: self, id: id))
                }
            }
        if let localIP, let local = SocketAddress(TransportAddress(ip: localIP, port: 0), scopeID: 0) {
            bootstrap = bootstrap.bind(to: local)
        }
        logger.debug("opening stream", metadata: ["stream": "\(id)", "remote": "\(remote)",
                                                  "tls": "\(tlsServerName ?? "no")"])
        bootstrap.connect(to: address).whenComplete { [weak self] result in
            self?.assumeIsolated { $0.streamConnected(id, result: result) }
        }
    }

    private func makeTLSContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        configuration.additionalTrustRoots = additionalTrustRootFiles.map { .file($0) }
        return try NIOSSLContext(configuration: configuration)
    }

    private func streamConnected(_ id: StreamID, result: Result<any Channel, any Error>) {
        switch result {
        case let .success(channel):
            guard !isClosed else {
                channel.close(promise: nil)
                return
            }
            streams[id] = channel
            let local = channel.localAddress.flatMap(TransportAddress.init)
                ?? TransportAddress(ip: .v4(0, 0, 0, 0), port: 0)
            streamEvent(.opened(id, local: local))
        case let .failure(error):
            streamClosed(id, reason: "could not connect: \(error)")
        }
    }

    /// A stream event for the machine; its outputs are drained as after a datagram.
    func streamEvent(_ event: StreamEvent) {
        guard !isClosed else { return }
        machine.handleStreamEvent(event, now: RuntimeClock.now())
        drainOutputs(flush: true)
    }

    func streamClosed(_ id: StreamID, reason: String) {
        guard streams.removeValue(forKey: id) != nil || !isClosed else { return }
        logger.debug("stream closed", metadata: ["stream": "\(id)", "reason": "\(reason)"])
        streamEvent(.closed(id, reason: reason))
    }
}
