import NIOCore

/// Sits on the socket's side of NIO's WebSocket frame encoder (and on the application's side of TLS, when there is
/// TLS): `WebSocketSink` writes frames the server encoded once (`OutgoingPacket.frame`, shared among a broadcast's
/// recipients) from here, skipping the encoder. Everything the encoder writes passes through unchanged.
final class EncodedFrameWriter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// This handler's place in the pipeline while it is in it; used on the channel's event loop only.
    private(set) var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Writes `frames` towards the socket and flushes; on the event loop.
    func write(_ frames: [OutgoingPacket]) {
        guard let context else { return }
        for packet in frames {
            context.write(wrapOutboundOut(packet.frame), promise: nil)
        }
        context.flush()
    }
}
