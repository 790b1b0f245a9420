import Hummingbird
import NIOCore
import ServiceLifecycle
import Signaling

/// The HTTP long-polling transport of Engine.IO v4 (engine.io-protocol v4, "HTTP long-polling"): a GET without
/// `sid` is the handshake, a GET with `sid` waits for packets, a POST delivers the client's packets.
struct PollingTransport: Sendable {
    let server: EngineIOServer

    func handle(_ request: Request, remote: String?) async throws -> Response {
        let query = request.uri.queryParameters
        guard query["EIO"].map(String.init) == "4" else { return EngineIOHTTPError.unsupportedProtocolVersion.response }
        switch query["transport"].map(String.init) {
        case "polling": break
        case "websocket":
            // A WebSocket request that was not upgraded: no Upgrade header, or an unknown session to upgrade.
            if let sid = query["sid"].map(String.init), !(await server.exists(sid, on: .polling)) {
                return EngineIOHTTPError.unknownSession.response
            }
            return EngineIOHTTPError.badRequest.response
        default: return EngineIOHTTPError.unknownTransport.response
        }
        guard let sid = query["sid"].map(String.init) else {
            guard request.method == .get else { return EngineIOHTTPError.badHandshakeMethod.response }
            switch await server.open(transport: .polling, remote: remote) {
            case .success(let open): return Self.payloadResponse([open])
            case .failure(.rateLimited): return EngineIOHTTPError.rateLimitedResponse
            case .failure: return EngineIOHTTPError.forbidden.response
            }
        }
        switch request.method {
        case .get: return await poll(sid)
        case .post: return try await post(request, sid: sid)
        default: return EngineIOHTTPError.badRequest.response
        }
    }

    /// A long poll: answers as soon as the session has packets. A graceful shutdown closes every session, which
    /// answers the poll with a close packet instead of leaving it hanging until the next ping.
    private func poll(_ sid: String) async -> Response {
        let server = self.server
        let outgoing = await withGracefulShutdownHandler {
            await server.nextOutgoing(sid, on: .polling)
        } onGracefulShutdown: {
            Task { await server.shutdown() }
        }
        switch outgoing {
        case .packets(let packets): return Self.payloadResponse(packets.map(\.packet))
        case .closed: return Self.payloadResponse([.close])
        case .refused: return EngineIOHTTPError.unknownSession.response
        }
    }

    private func post(_ request: Request, sid: String) async throws -> Response {
        guard await server.exists(sid, on: .polling) else { return EngineIOHTTPError.unknownSession.response }
        let limit = server.timing.maxPayload
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            await server.close(sid, reason: "payload too large")
            return Response(status: .contentTooLarge)
        }
        let packets: [EngineIOPacket]
        do {
            packets = try EngineIOPayload.decode(Array(body.readableBytesView), maximumSize: limit)
        } catch {
            await server.close(sid, reason: "bad polling payload")
            return EngineIOHTTPError.badRequest.response
        }
        await server.receive(packets, from: sid)
        return Response(status: .ok, headers: [.contentType: "text/html"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: "ok")))
    }

    static func payloadResponse(_ packets: [EngineIOPacket]) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=UTF-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: EngineIOPayload.encode(packets))))
    }
}
