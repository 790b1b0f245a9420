import Foundation
import JWTKit

/// The claims of a signed room token (PROTOCOL.md): a JWT (RFC 7519) signed with HMAC-SHA256 (`HS256`, RFC 7518
/// section 3.2) naming the participant, the rooms it may join (`["*"]`: any room) and when it expires.
public struct RoomTokenClaims: JWTPayload, Equatable {
    /// The name the participant appears under; it replaces the names of its CONNECT and its joins.
    public var name: String
    /// The rooms it may join; `"*"` allows every room.
    public var rooms: [String]
    /// When the token stops being accepted (RFC 7519 section 4.1.4).
    public var exp: ExpirationClaim

    /// Claims for `name` in `rooms` until `expires`.
    public init(name: String, rooms: [String], expires: Date) {
        self.name = name
        self.rooms = rooms
        self.exp = ExpirationClaim(value: expires)
    }

    /// Nothing beyond the signature here: `RoomTokenAuthority` checks `exp` against the time it is given, so tests
    /// need no wall clock.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// Whether the token lets its holder join `room`.
    public func allows(room: String) -> Bool {
        rooms.contains("*") || rooms.contains(room)
    }
}
