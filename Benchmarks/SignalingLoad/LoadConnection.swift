import NIOCore

/// One raw Engine.IO v4 / Socket.IO v5 client over one WebSocket: sends the HTTP upgrade, answers the open packet
/// with a CONNECT to `/`, joins its room with an acknowledgement, then counts the `chat` events it receives and
/// answers pings. It touches its coordinator only on the one event loop both live on.
final class LoadConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let coordinator: LoadCoordinator
    private let host: String
    private let port: Int
    private let room: String
    private var upgraded = false
    private var received: ByteBuffer?
    private var fragments: ByteBuffer?
    private var context: ChannelHandlerContext?
    private var joined = false
    /// `chat` events received.
    private(set) var chats = 0

    init(coordinator: LoadCoordinator, host: String, port: Int, room: String) {
        self.coordinator = coordinator
        self.host = host
        self.port = port
        self.room = room
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        let request = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: \(host):\(port)\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.context = nil
        coordinator.connectionClosed(joined: joined)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if received == nil || received!.readableBytes == 0 {
            received = incoming
        } else {
            received!.writeBuffer(&incoming)
        }
        if !upgraded {
            guard let view = received?.readableBytesView,
                  let end = view.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
            guard view.starts(with: Array("HTTP/1.1 101".utf8)) else {
                coordinator.fail("upgrade refused: \(String(decoding: view.prefix(80), as: UTF8.self))")
                context.close(promise: nil)
                return
            }
            received!.moveReaderIndex(to: end.upperBound)
            upgraded = true
        }
        while let frame = WebSocketFrame.read(from: &received!) {
            handle(frame, context: context)
        }
        if received?.readableBytes == 0 { received = nil }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        coordinator.fail("connection error: \(error)")
        context.close(promise: nil)
    }

    private func handle(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        switch frame.opcode {
        case 0, 1, 2:
            var payload = frame.payload
            if var pending = fragments {
                pending.writeBuffer(&payload)
                payload = pending
                fragments = nil
            }
            guard frame.fin else {
                fragments = payload
                return
            }
            message(payload.readableBytesView, context: context)
        case 8:
            context.close(promise: nil)
        case 9:
            write(opcode: 10, frame.payload.readableBytesView, context: context)
        default:
            break
        }
    }

    private func message(_ text: ByteBufferView, context: ChannelHandlerContext) {
        if text.starts(with: Self.chatPrefix) {
            chats += 1
            coordinator.chatReceived()
        } else if text.starts(with: Self.pingPacket), text.count == 1 {
            write(opcode: 1, Self.pongPacket, context: context)
        } else if text.starts(with: Self.joinAckPrefix) {
            guard !joined else { return }
            joined = true
            coordinator.joined()
        } else if text.starts(with: Self.connectAckPrefix) {
            let join = "420[\"join\",{\"room\":\"\(room)\",\"name\":\"c\"}]"
            write(opcode: 1, Array(join.utf8), context: context)
        } else if text.starts(with: Self.openPrefix) {
            write(opcode: 1, Array("40{}".utf8), context: context)
        }
    }

    private func write(opcode: UInt8, _ payload: some Collection<UInt8>, context: ChannelHandlerContext) {
        let frame = WebSocketFrame.clientFrame(opcode: opcode, payload: payload, allocator: context.channel.allocator)
        context.write(wrapOutboundOut(frame), promise: nil)
    }

    /// Writes `frame` (an already masked client frame) `count` times and flushes.
    func send(_ frame: ByteBuffer, count: Int) {
        guard let context else { return }
        for _ in 0..<count {
            context.write(wrapOutboundOut(frame), promise: nil)
        }
        context.flush()
    }

    /// Closes the connection.
    func close() {
        context?.close(promise: nil)
    }

    private static let chatPrefix = Array("42[\"chat\"".utf8)
    private static let pingPacket = Array("2".utf8)
    private static let pongPacket = Array("3".utf8)
    private static let joinAckPrefix = Array("430".utf8)
    private static let connectAckPrefix = Array("40".utf8)
    private static let openPrefix = Array("0".utf8)
}
