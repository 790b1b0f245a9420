import Hummingbird
import HummingbirdWebSocket
import NIOCore
import Signaling

/// The WebSocket transport of Engine.IO v4 (engine.io-protocol v4, "WebSocket"): one packet per frame. Without
/// `sid` it opens a new session; with `sid` it is an upgrade of a polling session (probe `2probe`/`3probe`, then
/// `5`), and carries the session once upgraded.
struct WebSocketTransport: Sendable {
    let server: EngineIOServer

    /// Whether to accept the upgrade request.
    func shouldUpgrade(_ request: Request) async -> RouterShouldUpgrade {
        let query = request.uri.queryParameters
        guard query["EIO"].map(String.init) == "4", query["transport"].map(String.init) == "websocket" else {
            return .dontUpgrade
        }
        if let sid = query["sid"].map(String.init) {
            return await server.exists(sid, on: .polling) ? .upgrade([:]) : .dontUpgrade
        }
        return .upgrade([:])
    }

    /// Runs one WebSocket until either side closes it.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, request: Request,
             remote: String?) async {
        let sid: String
        var upgraded: Bool
        if let existing = request.uri.queryParameters["sid"].map(String.init) {
            sid = existing
            upgraded = false
        } else {
            guard case .success(let open) = await server.open(transport: .websocket, remote: remote),
                  case .open(let handshake) = open, let text = open.text else {
                try? await outbound.close(.goingAway, reason: nil)
                return
            }
            do { try await outbound.write(.text(text)) } catch {
                await server.close(handshake.sid, reason: "write failed", recoverable: true)
                return
            }
            sid = handshake.sid
            upgraded = true
        }
        let server = self.server
        await withTaskGroup(of: Void.self) { group in
            if upgraded {
                group.addTask { await Self.writeLoop(sid, server: server, outbound: outbound) }
            }
            do {
                for try await message in inbound.messages(maxSize: server.timing.maxPayload) {
                    let packet: EngineIOPacket
                    switch message {
                    case .text(let text):
                        guard let parsed = try? EngineIOPacket(text: text) else { continue }
                        packet = parsed
                    case .binary(let buffer):
                        packet = .binaryMessage(Array(buffer.readableBytesView))
                    }
                    if upgraded {
                        await server.receive([packet], from: sid)
                        continue
                    }
                    switch packet {
                    case .ping("probe"):
                        guard await server.probe(sid) else { break }
                        try await outbound.write(.text(EngineIOPacket.pong("probe").text ?? ""))
                    case .upgrade:
                        guard await server.upgrade(sid) else { break }
                        upgraded = true
                        group.addTask { await Self.writeLoop(sid, server: server, outbound: outbound) }
                    default:
                        break
                    }
                }
            } catch {
                // The connection failed; handled like a close below.
            }
            if upgraded {
                await server.close(sid, reason: "transport closed", recoverable: true)
            } else {
                await server.probeAbandoned(sid)
            }
        }
    }

    /// Writes the session's packets until it closes, then closes the WebSocket.
    private static func writeLoop(_ sid: String, server: EngineIOServer, outbound: WebSocketOutboundWriter) async {
        while true {
            switch await server.nextOutgoing(sid, on: .websocket) {
            case .packets(let packets):
                do {
                    for packet in packets {
                        switch packet.frame {
                        case .text(let text): try await outbound.write(.text(text))
                        case .binary(let bytes): try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                        }
                    }
                } catch {
                    await server.close(sid, reason: "write failed", recoverable: true)
                    return
                }
            case .closed, .refused:
                try? await outbound.close(.normalClosure, reason: nil)
                return
            }
        }
    }
}
