import Hummingbird
import NIOCore

/// The request context of the HTTP routes (polling, `/health`, `/metrics`, files): Hummingbird's basic context plus
/// the client's address, which the per-IP handshake limit needs.
struct SignalingRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    var coreContext: CoreRequestContextStorage
    /// The peer of the TCP connection.
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text, when known.
    var clientIP: String? { remoteAddress?.ipAddress }
}
