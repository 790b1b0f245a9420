import Signaling

/// What a WebSocket connection reports to the server.
enum WebSocketEvent: Sendable {
    /// The WebSocket is open.
    case opened(WebSocketSink)
    /// An Engine.IO packet arrived.
    case message(WebSocketSink, EngineIOPacket)
    /// The socket takes writes again after it was full.
    case writable(WebSocketSink)
    /// The connection is gone.
    case closed(WebSocketSink)
}
