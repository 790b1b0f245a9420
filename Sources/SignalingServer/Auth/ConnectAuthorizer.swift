import Foundation
import Signaling

/// Decides what a Socket.IO CONNECT `auth` (PROTOCOL.md: `{name, token}`) allows: with neither a shared token nor a
/// JWT secret configured, anything; otherwise `auth.token` must be the shared token or a valid signed room token.
public struct ConnectAuthorizer: Sendable {
    /// The shared token (`--token`), if any.
    public let sharedToken: String?
    /// The signed room token authority (`--jwt-secret`), if any.
    public let authority: RoomTokenAuthority?

    /// An authorizer for the server's settings.
    public init(sharedToken: String?, authority: RoomTokenAuthority?) {
        self.sharedToken = sharedToken
        self.authority = authority
    }

    /// Whether any token is required.
    public var requiresToken: Bool { sharedToken != nil || authority != nil }

    /// What `auth` allows at `now`.
    public func authorize(_ auth: JSONValue?, now: Date) async -> ConnectAuthorization {
        guard requiresToken else { return .anyRoom }
        guard let token = auth?["token"]?.stringValue else {
            return .refused(auth?["token"] == nil ? "authentication required" : "invalid token")
        }
        if let sharedToken, token == sharedToken { return .anyRoom }
        guard let authority else { return .refused("invalid token") }
        do {
            let claims = try await authority.verify(token, now: now)
            return .token(name: claims.name, rooms: Set(claims.rooms))
        } catch {
            return .refused(error.description)
        }
    }
}
