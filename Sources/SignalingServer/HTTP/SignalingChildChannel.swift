import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// Each accepted connection of the signaling server: HTTP/1.1 for Hummingbird's router (polling, `/health`,
/// `/metrics`, files), or an Engine.IO WebSocket after an upgrade at `/socket.io/`. The pipeline is Hummingbird's
/// HTTP-with-WebSocket-upgrade pipeline (HummingbirdWebSocket's `HTTP1WebSocketUpgradeChannel`), except that an
/// upgraded connection ends in an `EngineWebSocketHandler` on its event loop instead of an async task per
/// connection: an idle WebSocket holds no task stack. Connections also start with small receive buffers: NIO's
/// default sizes every read buffer at 2 KiB and keeps it pooled for the life of the connection, while signaling
/// messages are a few hundred bytes; reads start at 256 bytes and grow for a connection whose reads fill them.
struct SignalingChildChannel: ServerChildChannel, HTTPChannelHandler {
    /// What the HTTP negotiation ended with.
    enum Negotiated: Sendable {
        /// An Engine.IO WebSocket, now run by its handler.
        case webSocket
        /// Plain HTTP for the router.
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// An upgrade was asked for and refused: answered with 400.
        case refusedUpgrade(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    /// A connection being served.
    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    /// The HTTP routes.
    let responder: HTTPChannelHandler.Responder
    let transport: WebSocketTransport
    let maxFrameSize: Int

    init(responder: @escaping HTTPChannelHandler.Responder, transport: WebSocketTransport, maxFrameSize: Int) {
        self.responder = Self.redirectingLateUpgrades(responder)
        self.transport = transport
        self.maxFrameSize = maxFrameSize
    }

    /// The receive buffer sizes of a signaling connection.
    static var receiveAllocator: AdaptiveRecvByteBufferAllocator {
        AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65536)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: Self.receiveAllocator)
            let upgradeAttempted = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let transport = self.transport
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: maxFrameSize,
                shouldUpgrade: { channel, head in
                    upgradeAttempted.value = true
                    let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                    let uri = head.uri
                    promise.completeWithTask { await transport.shouldUpgrade(URI(uri)) ? HTTPHeaders() : nil }
                    return promise.futureResult
                },
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture {
                        let upgrading = URI(head.uri).queryParameters["sid"].map(String.init)
                        let writer = EncodedFrameWriter()
                        let encoder = try channel.pipeline.syncOperations.handler(type: WebSocketFrameEncoder.self)
                        try channel.pipeline.syncOperations.addHandler(writer, position: .before(encoder))
                        let sink = WebSocketSink(channel: channel, writer: writer,
                                                 remote: channel.remoteAddress?.ipAddress, upgrading: upgrading)
                        try channel.pipeline.syncOperations.addHandler(
                            NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16,
                                                        maxAccumulatedFrameSize: maxFrameSize))
                        try channel.pipeline.syncOperations.addHandler(
                            EngineWebSocketHandler(sink: sink, events: transport.events))
                        return Negotiated.webSocket
                    }
                }
            )
            let serverUpgradeConfiguration = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandler(
                            HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
                        let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true))
                        return upgradeAttempted.value ? .refusedUpgrade(asyncChannel) : .http(asyncChannel)
                    }
                }
            )
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<Negotiated>(
                upgradeConfiguration: serverUpgradeConfiguration)
            configuration.enablePipelining = false  // HTTP is pipelined by NIOAsyncChannel
            configuration.enableErrorHandling = false  // handled by Hummingbird
            configuration.enableResponseHeaderValidation = false  // Swift HTTP Types validate them already
            // Hummingbird's default header limits.
            configuration.decoderConfiguration.maxHeaderFieldSize = 80 * 1024
            configuration.decoderConfiguration.maxHeaderListSize = 80 * 1024
            configuration.decoderConfiguration.maxHeaderFieldCount = 1000
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                configuration: configuration)
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .webSocket:
                // The handler runs the connection from here; this task ends and frees its stack.
                break
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .refusedUpgrade(let http):
                await Self.refuseUpgrade(http)
            }
        } catch {
            logger.debug("connection negotiation failed", metadata: ["error": "\(error)"])
        }
    }

    /// Answers a refused upgrade with 400 and closes, as HummingbirdWebSocket does.
    private static func refuseUpgrade(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>) async {
        try? await http.executeThenClose { _, outbound in
            let head = HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
            try await outbound.write(contentsOf: [.head(head), .end(nil)])
        }
    }

    /// A WebSocket upgrade asked for on a connection that already served HTTP cannot happen there (NIO negotiates
    /// upgrades on the first request only): like HummingbirdWebSocket, answer with a redirect to the same URI and
    /// close, so the client retries on a new connection.
    private static func redirectingLateUpgrades(_ responder: @escaping HTTPChannelHandler.Responder)
        -> HTTPChannelHandler.Responder {
        struct RedirectClose: Error {}
        return { request, responseWriter, channel in
            guard request.headers[.upgrade] == "websocket" else {
                return try await responder(request, responseWriter, channel)
            }
            var path = request.uri.path
            if let query = request.uri.query { path += "?\(query)" }
            let response = HTTPResponse(status: .temporaryRedirect,
                                        headerFields: [.connection: "close", .location: path])
            try await responseWriter.writeResponse(response)
            throw RedirectClose()
        }
    }
}
