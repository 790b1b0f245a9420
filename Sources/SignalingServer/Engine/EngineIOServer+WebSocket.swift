import Signaling

extension EngineIOServer {
    /// A batch of WebSocket events in arrival order (engine.io-protocol v4, "WebSocket"): a new connection without
    /// `sid` opens a session; one with `sid` upgrades a polling session (probe `2probe`/`3probe`, then `5`) and
    /// carries it once upgraded. Every WebSocket written to during the batch is flushed once, at its end.
    func handleWebSocketEvents(_ events: [WebSocketEvent]) async {
        deferWebSocketWrites()
        for event in events {
            await handle(event)
        }
        writeDeferredWebSockets()
    }

    private func handle(_ event: WebSocketEvent) async {
        switch event {
        case .opened(let sink):
            if let sid = sink.upgrading {
                sink.sid = sid
            } else if let sid = openWebSocket(sink) {
                sink.sid = sid
                sink.upgraded = true
            } else {
                sink.close(code: .goingAway)
            }
        case .message(let sink, let packet):
            defer { sink.messageHandled() }
            guard let sid = sink.sid else { return }
            if sink.upgraded {
                await receive([packet], from: sid)
                return
            }
            switch packet {
            case .ping("probe"):
                if probe(sid) { sink.write([OutgoingPacket(.pong("probe"))]) }
            case .upgrade:
                if upgrade(sid, to: sink) { sink.upgraded = true }
            default:
                break
            }
        case .writable(let sink):
            guard let sid = sink.sid, sink.upgraded else { return }
            flush(sid)
        case .closed(let sink):
            guard let sid = sink.sid else { return }
            if sink.upgraded {
                close(sid, reason: "transport closed", recoverable: true)
            } else {
                probeAbandoned(sid)
            }
        }
    }
}
