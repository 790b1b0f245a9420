import ArgumentParser
import Foundation
import Wire

/// The options every signaling client subcommand shares: which server, which room, who we are.
struct SignalingOptions: ParsableArguments {
    @Option(help: "The signaling server, e.g. http://127.0.0.1:8080 (ws:// and wss:// work too).")
    var server: String

    @Option(help: "The room to join.")
    var room: String

    @Option(help: "The name others see.")
    var name: String?

    @Option(help: "The token, when the server requires one (linkup serve --token).")
    var token: String?

    @Option(help: """
        Local IP address to bind for media (repeatable). Default: every up interface, loopback included, so a \
        browser on this machine can reach us too.
        """)
    var host: [String] = []

    func validate() throws {
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(),
              ["http", "https", "ws", "wss"].contains(scheme), url.host != nil else {
            throw ValidationError("--server \"\(server)\" is not a URL like http://127.0.0.1:8080")
        }
        guard !room.isEmpty, room.count <= 64 else { throw ValidationError("--room must be 1 to 64 characters") }
        if let name, name.isEmpty || name.count > 64 {
            throw ValidationError("--name must be 1 to 64 characters")
        }
        for address in host where IPAddress(address) == nil {
            throw ValidationError("--host \"\(address)\" is not an IP address")
        }
    }

    /// The signaling client's configuration: server, name, token, and `caFile` (the `--ca-file` of the STUN and
    /// TURN options, trusted for wss:// as for turns:).
    func clientConfiguration(name: String, caFile: String?) -> SignalingClient.Configuration {
        var configuration = SignalingClient.Configuration(server: server, name: name, token: token)
        configuration.caFile = caFile
        return configuration
    }

    /// The local addresses to bind: `--host`, or nil for every up interface.
    var bindAddresses: [IPAddress]? {
        host.isEmpty ? nil : host.compactMap(IPAddress.init)
    }
}
