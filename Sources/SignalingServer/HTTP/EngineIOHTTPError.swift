import Hummingbird
import NIOCore

/// The errors an Engine.IO server answers HTTP requests with: status 400 and a JSON body `{"code", "message"}` with
/// the codes the reference server uses (engine.io `Server.errors`), so standard clients report them sensibly.
enum EngineIOHTTPError: Int, Error {
    case unknownTransport = 0
    case unknownSession = 1
    case badHandshakeMethod = 2
    case badRequest = 3
    case forbidden = 4
    case unsupportedProtocolVersion = 5

    var message: String {
        switch self {
        case .unknownTransport: "Transport unknown"
        case .unknownSession: "Session ID unknown"
        case .badHandshakeMethod: "Bad handshake method"
        case .badRequest: "Bad request"
        case .forbidden: "Forbidden"
        case .unsupportedProtocolVersion: "Unsupported protocol version"
        }
    }

    /// The 400 response.
    var response: Response {
        let body = #"{"code":\#(rawValue),"message":"\#(message)"}"#
        return Response(status: .badRequest, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// A handshake over the per-IP rate: 429 Too Many Requests (RFC 6585 section 4) with the "Forbidden" code, so
    /// clients give up on this attempt and back off.
    static var rateLimitedResponse: Response {
        let body = #"{"code":\#(Self.forbidden.rawValue),"message":"Too many handshakes"}"#
        return Response(status: .tooManyRequests, headers: [.contentType: "application/json", .retryAfter: "1"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
