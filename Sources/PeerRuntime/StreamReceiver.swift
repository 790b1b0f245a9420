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

    /// A failed TLS handshake says what to check; other errors are shown as they are.
    static func sentence(for error: any Error) -> String {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "its TLS certificate could not be verified against the trusted authorities or does not name " +
                "the server (with a private CA, give --ca-file): \(text)"
        }
        if text.contains("handshakeFailed") { return "the TLS handshake failed: \(text)" }
        return text
    }

    func channelInactive(context: ChannelHandlerContext) {
        let id = id
        let reason = error.map(Self.sentence) ?? "the server closed the connection"
        runtime?.assumeIsolated { $0.streamClosed(id, reason: reason) }
    }
}
