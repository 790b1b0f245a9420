import Foundation
import JWTKit

/// Mints and verifies signed room tokens (PROTOCOL.md) with one shared secret: JWTs (RFC 7519) signed HS256
/// (RFC 7518 section 3.2) through vapor/jwt-kit. The expiry is checked against the `now` the caller passes.
public struct RoomTokenAuthority: Sendable {
    private let keys: JWTKeyCollection

    /// The shortest secret accepted: RFC 7518 section 3.2 requires an HS256 key of at least the hash size.
    public static let minimumSecretBytes = 32

    /// An authority for `secret` (the `--jwt-secret` of `linkup serve`), at least `minimumSecretBytes` long.
    public init(secret: String) async throws(RoomTokenError) {
        guard secret.utf8.count >= Self.minimumSecretBytes else {
            throw .invalidClaim("the secret must be at least \(Self.minimumSecretBytes) bytes (RFC 7518 section 3.2)")
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
    }

    /// A signed token for `claims`.
    public func mint(_ claims: RoomTokenClaims) async throws -> String {
        try await keys.sign(claims)
    }

    /// The claims of `token` when its signature is ours, it has not expired at `now`, and its claims make sense.
    public func verify(_ token: String, now: Date) async throws(RoomTokenError) -> RoomTokenClaims {
        let claims: RoomTokenClaims
        do {
            claims = try await keys.verify(token, as: RoomTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformed
        }
        guard claims.exp.value > now else { throw .expired }
        guard !claims.name.isEmpty, claims.name.count <= 64 else { throw .invalidClaim("name must be 1 to 64 characters") }
        guard !claims.rooms.isEmpty else { throw .invalidClaim("rooms is empty") }
        guard claims.rooms.allSatisfy({ !$0.isEmpty && $0.count <= 64 }) else {
            throw .invalidClaim("room names must be 1 to 64 characters")
        }
        return claims
    }
}
