import Foundation
import Signaling
@testable import SignalingServer
import Testing

/// Signed room tokens (JWT HS256): minted and verified with jwt-kit, the expiry checked against a given time.
@Suite struct RoomTokenTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func validTokenGivesItsClaims() async throws {
        let authority = try await RoomTokenAuthority(secret: "s3cret-s3cret-s3cret-s3cret-s3cret")
        let token = try await authority.mint(RoomTokenClaims(name: "alice", rooms: ["r1"], expires: now + 3600))
        #expect(token.split(separator: ".").count == 3)
        let claims = try await authority.verify(token, now: now)
        #expect(claims.name == "alice" && claims.rooms == ["r1"])
        #expect(claims.allows(room: "r1") && !claims.allows(room: "r2"))
    }

    @Test func expiredTokenIsRefused() async throws {
        let authority = try await RoomTokenAuthority(secret: "s3cret-s3cret-s3cret-s3cret-s3cret")
        let token = try await authority.mint(RoomTokenClaims(name: "alice", rooms: ["*"], expires: now - 1))
        await #expect(throws: RoomTokenError.expired) { try await authority.verify(token, now: now) }
    }

    @Test func wrongSignatureIsRefused() async throws {
        let other = try await RoomTokenAuthority(secret: "not-the-secret-not-the-secret-not-the-secret")
        let token = try await other.mint(RoomTokenClaims(name: "alice", rooms: ["*"], expires: now + 60))
        let authority = try await RoomTokenAuthority(secret: "s3cret-s3cret-s3cret-s3cret-s3cret")
        await #expect(throws: RoomTokenError.badSignature) { try await authority.verify(token, now: now) }
    }

    @Test func shortSecretsAreRefused() async {
        await #expect(throws: RoomTokenError.self) { try await RoomTokenAuthority(secret: "short") }
    }

    @Test func garbageIsMalformed() async throws {
        let authority = try await RoomTokenAuthority(secret: "s3cret-s3cret-s3cret-s3cret-s3cret")
        for garbage in ["", "a.b.c", "not a token", "eyJhbGciOiJIUzI1NiJ9.e30.x"] {
            await #expect(throws: RoomTokenError.malformed) { try await authority.verify(garbage, now: now) }
        }
    }

    @Test func authorizerPrefersTheSharedTokenAndExplainsRefusals() async throws {
        let authority = try await RoomTokenAuthority(secret: "s3cret-s3cret-s3cret-s3cret-s3cret")
        let authorizer = ConnectAuthorizer(sharedToken: "shared", authority: authority)
        #expect(await authorizer.authorize(["token": "shared"], now: now) == .anyRoom)
        #expect(await authorizer.authorize(["name": "x"], now: now) == .refused("authentication required"))
        let token = try await authority.mint(RoomTokenClaims(name: "bob", rooms: ["r"], expires: now + 60))
        #expect(await authorizer.authorize(["token": .string(token)], now: now) == .token(name: "bob", rooms: ["r"]))
        #expect(await authorizer.authorize(["token": .string(token)], now: now + 61)
                    == .refused("invalid token: expired"))
        let open = ConnectAuthorizer(sharedToken: nil, authority: nil)
        #expect(await open.authorize(nil, now: now) == .anyRoom)
    }

    @Test func ttlParsing() {
        #expect(TokenTTL.seconds("3600") == 3600)
        #expect(TokenTTL.seconds("1h") == 3600)
        #expect(TokenTTL.seconds("15m") == 900)
        #expect(TokenTTL.seconds("2d") == 172_800)
        #expect(TokenTTL.seconds("0") == nil && TokenTTL.seconds("h") == nil && TokenTTL.seconds("-1s") == nil)
    }
}
