import NIOCore
import Wire

/// The inbound end of one runtime socket: turns each received envelope into a `Datagram` and feeds it to the
/// runtime synchronously (the handler runs on the runtime's own executor, the event loop).
///
/// It holds the runtime weakly: the runtime owns its channels, so a strong reference would keep a runtime its
/// owner dropped alive (and its sockets open) forever.
final class DatagramReceiver<Machine: SansIOMachine>: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private weak var runtime: MachineRuntime<Machine>?
    /// The socket's own address, read once: every datagram carries it as `local`.
    private var local: TransportAddress?

    init(runtime: MachineRuntime<Machine>) {
        self.runtime = runtime
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let runtime else { return }
        if local == nil { local = context.channel.localAddress.flatMap(TransportAddress.init) }
        guard let local, let remote = TransportAddress(envelope.remoteAddress) else { return }
        let datagram = Datagram(local: local, remote: remote, payload: Array(envelope.data.readableBytesView))
        runtime.assumeIsolated { $0.receive(datagram) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        runtime?.assumeIsolated { $0.flushPendingWrites() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let channel = context.channel
        runtime?.assumeIsolated { $0.socketClosed(channel) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Read errors NIO can recover from (ECONNREFUSED after an ICMP port unreachable) arrive here and must not
        // close the socket; errors that do close it come back through channelInactive.
        runtime?.logger.warning("socket error", metadata: ["error": "\(error)"])
    }
}
