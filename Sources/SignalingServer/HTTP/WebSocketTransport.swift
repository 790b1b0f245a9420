import HummingbirdCore
import Signaling

/// The WebSocket transport of Engine.IO v4 (engine.io-protocol v4, "WebSocket"): one packet per frame. Without
/// `sid` it opens a new session; with `sid` it is an upgrade of a polling session (probe `2probe`/`3probe`, then
/// `5`), and carries the session once upgraded.
///
/// Connections have no task of their own: each one's `EngineWebSocketHandler` reports its events into one stream,
/// and one task (`run`) hands them to the server in order. The server writes a session's packets straight to its
/// connection (`WebSocketSink`).
struct WebSocketTransport: Sendable {
    /// What a connection reports.
    enum Event: Sendable {
        /// The WebSocket is open.
        case opened(WebSocketSink)
        /// An Engine.IO packet arrived.
        case message(WebSocketSink, EngineIOPacket)
        /// The socket takes writes again after it was full.
        case writable(WebSocketSink)
        /// The connection is gone.
        case closed(WebSocketSink)
    }

    let server: EngineIOServer
    /// Where connections report; `run` reads it.
    let events: AsyncStream<Event>
    /// Where each connection's handler writes its events.
    let reporter: AsyncStream<Event>.Continuation

    init(server: EngineIOServer) {
        self.server = server
        (events, reporter) = AsyncStream.makeStream(of: Event.self)
    }

    /// Whether to accept the upgrade request for `uri` (its path is `/socket.io/`): Engine.IO 4 over `websocket`,
    /// either a new session or the upgrade of a live polling session.
    func shouldUpgrade(_ uri: URI) async -> Bool {
        let query = uri.queryParameters
        guard uri.path == "/socket.io/" || uri.path == "/socket.io", query["EIO"].map(String.init) == "4",
              query["transport"].map(String.init) == "websocket" else { return false }
        if let sid = query["sid"].map(String.init) {
            return await server.exists(sid, on: .polling)
        }
        return true
    }

    /// Hands every connection's events to the server, in order, until the stream ends.
    func run() async {
        for await event in events {
            switch event {
            case .opened(let sink):
                if let sid = sink.upgrading {
                    sink.sid = sid
                } else if let sid = await server.openWebSocket(sink) {
                    sink.sid = sid
                    sink.upgraded = true
                } else {
                    sink.close(code: .goingAway)
                }
            case .message(let sink, let packet):
                guard let sid = sink.sid else { continue }
                if sink.upgraded {
                    await server.receive([packet], from: sid)
                    continue
                }
                switch packet {
                case .ping("probe"):
                    guard await server.probe(sid) else { break }
                    sink.write([OutgoingPacket(.pong("probe"))])
                case .upgrade:
                    if await server.upgrade(sid, to: sink) { sink.upgraded = true }
                default:
                    break
                }
            case .writable(let sink):
                guard let sid = sink.sid, sink.upgraded else { continue }
                await server.flush(sid)
            case .closed(let sink):
                guard let sid = sink.sid else { continue }
                if sink.upgraded {
                    await server.close(sid, reason: "transport closed", recoverable: true)
                } else {
                    await server.probeAbandoned(sid)
                }
            }
        }
    }
}
