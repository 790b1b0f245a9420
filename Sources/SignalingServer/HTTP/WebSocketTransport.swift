import HummingbirdCore
import Signaling

/// The WebSocket transport of Engine.IO v4 (engine.io-protocol v4, "WebSocket"): one packet per frame. Without
/// `sid` it opens a new session; with `sid` it is an upgrade of a polling session (probe `2probe`/`3probe`, then
/// `5`), and carries the session once upgraded.
///
/// Connections have no task of their own: each one's `EngineWebSocketHandler` reports its events into one queue,
/// and one task (`run`) hands them to the server in order, in batches of whatever has accumulated. The server
/// writes a session's packets straight to its connection (`WebSocketSink`), once per batch.
struct WebSocketTransport: Sendable {
    let server: EngineIOServer
    /// Where each connection's handler reports; `run` reads it.
    let events = BatchQueue<WebSocketEvent>()

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

    /// Hands every connection's events to the server, in order, until the queue is finished.
    func run() async {
        while let batch = await events.next() {
            await server.handleWebSocketEvents(batch)
        }
    }
}
