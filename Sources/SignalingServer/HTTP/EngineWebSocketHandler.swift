import NIOCore
import NIOWebSocket
import Signaling

/// The last handler of an upgraded Engine.IO WebSocket (engine.io-protocol v4, "WebSocket": one packet per frame).
/// Runs on the connection's event loop and hands what arrives to `WebSocketTransport` as events, in order:
/// the connection itself once, each text or binary message as an Engine.IO packet, the socket becoming writable
/// again, and the end of the connection. It answers pings and the closing handshake itself (RFC 6455 sections
/// 5.5.2, 5.5.3 and 5.5.1).
final class EngineWebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let sink: WebSocketSink
    private let events: BatchQueue<WebSocketEvent>
    private var closing = false

    init(sink: WebSocketSink, events: BatchQueue<WebSocketEvent>) {
        self.sink = sink
        self.events = events
    }

    func handlerAdded(context: ChannelHandlerContext) {
        events.push(.opened(sink))
    }

    func channelInactive(context: ChannelHandlerContext) {
        events.push(.closed(sink))
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { events.push(.writable(sink)) }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            // Invalid UTF-8 is replaced, not refused, as Hummingbird's WebSocket did (its UTF-8 check was off).
            let text = String(buffer: frame.unmaskedData)
            guard let packet = try? EngineIOPacket(text: text) else { return }
            report(packet, context: context)
        case .binary:
            report(.binaryMessage(Array(frame.unmaskedData.readableBytesView)), context: context)
        case .ping:
            guard frame.fin else { return close(context: context, code: .protocolError) }
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)),
                                  promise: nil)
        case .connectionClose:
            if closing {
                context.close(promise: nil)
            } else {
                // The client's close: answer with its code, then end the connection.
                var data = frame.unmaskedData
                let code = data.readWebSocketErrorCode() ?? .normalClosure
                close(context: context, code: code, thenClose: true)
            }
        case .pong, .continuation:
            break
        default:
            close(context: context, code: .protocolError)
        }
    }

    /// Hands a message to the server; a client that sends faster than the server handles waits (its socket is not
    /// read while `WebSocketSink.pauseAt` messages are unhandled).
    private func report(_ packet: EngineIOPacket, context: ChannelHandlerContext) {
        events.push(.message(sink, packet))
        if sink.messageReported() {
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let request = event as? WebSocketSink.CloseRequest else {
            return context.fireUserInboundEventTriggered(event)
        }
        close(context: context, code: request.code)
        let channel = context.channel
        context.eventLoop.scheduleTask(in: Self.closeTimeout) { channel.close(promise: nil) }
    }

    /// How long the server waits for the client's answer to its close frame.
    static let closeTimeout = TimeAmount.seconds(2)

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func close(context: ChannelHandlerContext, code: WebSocketErrorCode, thenClose: Bool = false) {
        guard !closing else { return }
        closing = true
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let written = context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose,
                                                                            data: data)))
        if thenClose {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
