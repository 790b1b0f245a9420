import ArgumentParser
import Foundation
import SignalingServer

/// `linkup token`: mints a signed room token (PROTOCOL.md) for a server started with `--jwt-secret`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Mint a signed room token (JWT HS256) for linkup serve --jwt-secret.",
        discussion: """
            Prints a JWT (RFC 7519) signed with HMAC-SHA256 whose claims are name, rooms and exp. Give it to a \
            client as its token (linkup call --token, or the web client's token field).

            Example:
              linkup token --secret "$SECRET" --room demo --name alice --ttl 1h
            """)

    @Option(help: "The server's --jwt-secret.")
    var secret: String

    @Option(help: "A room the token allows (repeatable); * allows every room.")
    var room: [String]

    @Option(help: "The participant's name.")
    var name: String

    @Option(help: "Lifetime: seconds, or a number with s, m, h or d (e.g. 90s, 15m, 1h, 7d).")
    var ttl = "1h"

    func validate() throws {
        guard secret.utf8.count >= RoomTokenAuthority.minimumSecretBytes else {
            throw ValidationError("--secret must be at least \(RoomTokenAuthority.minimumSecretBytes) bytes")
        }
        guard !room.isEmpty, room.allSatisfy({ !$0.isEmpty && $0.count <= 64 }) else {
            throw ValidationError("give at least one --room of 1 to 64 characters")
        }
        guard !name.isEmpty, name.count <= 64 else { throw ValidationError("--name must be 1 to 64 characters") }
        guard TokenTTL.seconds(ttl) != nil else { throw ValidationError("--ttl \"\(ttl)\" is not like 3600, 90s, 15m, 1h or 7d") }
    }

    func run() async throws {
        let authority = try await RoomTokenAuthority(secret: secret)
        let expires = Date().addingTimeInterval(TokenTTL.seconds(ttl) ?? 3600)
        let token = try await authority.mint(RoomTokenClaims(name: name, rooms: room, expires: expires))
        print(token)
    }
}
