import NIOCore
import NIOWebSocket
import Synchronization

/// One Engine.IO WebSocket connection as the server sees it: the NIO channel its frames go to, written from any
/// thread (each batch hops onto the channel's event loop once), and the session it carries. The connection needs
/// no task of its own: `EngineWebSocketHandler` reports what arrives, `WebSocketTransport` hands it to the server.
final class WebSocketSink: @unchecked Sendable {
    // `channel`, `remote` and `upgrading` never change; `sid` and `upgraded` are touched only on the
    // `EngineIOServer` actor, so they need no lock.
    let channel: any Channel
    /// The client's IP address, when known.
    let remote: String?
    /// The polling session this connection asked to upgrade (`sid` in its URL); nil for a new session.
    let upgrading: String?
    /// The session it carries, once known.
    var sid: String?
    /// Whether the session's packets go out here (a new WebSocket session, or an upgrade once complete).
    var upgraded = false

    /// Where its frames enter the pipeline, already encoded; used on the channel's event loop only.
    private let writer: NIOLoopBound<EncodedFrameWriter>
    /// Messages reported and not yet handled by the server. The handler stops reading the socket at
    /// `pauseAt` (the client's TCP then waits), and the server resumes it when it is down to `resumeAt`.
    private let unhandled = Atomic<Int>(0)
    /// How many unhandled messages stop reading.
    static let pauseAt = 256
    /// How many unhandled messages resume reading.
    static let resumeAt = 64

    init(channel: any Channel, writer: EncodedFrameWriter, remote: String?, upgrading: String?) {
        self.channel = channel
        // Made on the event loop, in the upgrade's pipeline set-up.
        self.writer = NIOLoopBound(writer, eventLoop: channel.eventLoop)
        self.remote = remote
        self.upgrading = upgrading
    }

    /// A message was reported (on the event loop): whether reading should pause until the server catches up.
    func messageReported() -> Bool {
        unhandled.add(1, ordering: .relaxed).newValue >= Self.pauseAt
    }

    /// The server handled a reported message: reading resumes when few are left (it may not have paused).
    func messageHandled() {
        if unhandled.subtract(1, ordering: .relaxed).newValue == Self.resumeAt {
            channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        }
    }

    /// Whether the socket takes more now (NIO's pending writes are under the high watermark).
    var isWritable: Bool { channel.isWritable }

    /// Writes `packets`' frames in one event-loop turn with one flush; the frames, encoded once and shared among a
    /// broadcast's recipients, go to the socket as they are.
    func write(_ packets: [OutgoingPacket]) {
        let writer = self.writer
        channel.eventLoop.execute { writer.value.write(packets) }
    }

    /// Starts the closing handshake (RFC 6455 section 7.1.2): `EngineWebSocketHandler` sends a close frame with
    /// `code`, and closes the connection when the client answers, or after two seconds.
    func close(code: WebSocketErrorCode = .normalClosure) {
        channel.pipeline.fireUserInboundEventTriggered(CloseRequest(code: code))
    }

    /// The server ends the connection: the event `close` sends down the pipeline.
    struct CloseRequest: Sendable {
        /// The close frame's status code.
        let code: WebSocketErrorCode
    }
}
