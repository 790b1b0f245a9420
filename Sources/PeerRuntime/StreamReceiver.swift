import NIOCore
import Wire

/// The inbound end of one stream connection (TCP, or TLS over TCP) of a runtime: hands the bytes that arrive to the
/// machine in order, and tells it when the connection ends and why.
///
/// Like `DatagramReceiver` it runs on the runtime's loop and enters the runtime synchronously, holding it weakly.
final class StreamReceiver<Machine: SansIOMachine>: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private weak var runtime: MachineRuntime<Machine>?
    private let id: StreamID
    /// The first error seen; reported as the reason when the connection closes.
    private var error: (any Error)?

    init(runtime: MachineRuntime<Machine>, id: StreamID) {
        self.runtime = runtime
        self.id = id
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(unwrapInboundIn(data).readableBytesView)
        let id = id
        runtime?.assumeIsolated { $0.streamEvent(.received(id, bytes)) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.error == nil { self.error = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let id = id
        let reason = error.map { "\($0)" } ?? "the server closed the connection"
        runtime?.assumeIsolated { $0.streamClosed(id, reason: reason) }
    }
}
