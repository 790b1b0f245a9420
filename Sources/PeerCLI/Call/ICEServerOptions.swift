import ArgumentParser
import Foundation
import ICE
import Signaling
import SignalingServer
import Wire

/// The STUN/TURN options of `call`, `bot` and `probe`: which servers to gather candidates from, with what
/// credentials, whether to relay only, and which extra certificate authority `turns:` servers may use.
struct ICEServerCommandOptions: ParsableArguments {
    @Option(name: .customLong("ice-server"), help: ArgumentHelp("""
        STUN or TURN server (repeatable), instead of the ones the signaling server hands out: stun:HOST[:PORT], \
        turn:HOST[:PORT][?transport=udp|tcp], turns:HOST[:PORT][?transport=tcp].
        """, valueName: "url"))
    var iceServers: [String] = []

    @Option(help: ArgumentHelp(
        "Credentials for TURN servers that come without any, split at the last colon (REST usernames work).",
        valueName: "user:pass"))
    var turnUser: String?

    @Option(help: ArgumentHelp(
        "PEM file of a certificate authority trusted for turns: servers and a wss:// signaling server, besides the " +
            "system's.",
        valueName: "pem"))
    var caFile: String?

    @Flag(help: "Use relayed candidates only (the \"relay\" ICE transport policy): media always crosses the TURN server.")
    var relayOnly = false

    func validate() throws {
        for text in iceServers {
            do {
                _ = try ICEServerURL(parsing: text)
            } catch {
                throw ValidationError("--ice-server \"\(text)\": \(error)")
            }
        }
        if let turnUser, ICEServerCommandOptions.split(turnUser) == nil {
            throw ValidationError("--turn-user must be USER:PASS")
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ValidationError("--ca-file \"\(caFile)\" cannot be read")
        }
    }

    /// The network of a room's calls: `signaling`'s bind addresses, and the servers of `--ice-server` or else of
    /// the join acknowledgement, resolved.
    func network(_ signaling: SignalingOptions, joinAck: [ICEServer]) throws -> CallNetwork {
        CallNetwork(addresses: signaling.bindAddresses, iceServers: try endpoints(for: servers(from: joinAck)),
                    relayOnly: relayOnly, caFile: caFile)
    }

    /// The servers to use: `--ice-server` when given, else the ones from the join acknowledgement.
    func servers(from joinAck: [ICEServer]) -> [ICEServer] {
        iceServers.isEmpty ? joinAck : [ICEServer(urls: iceServers)]
    }

    /// Resolves `servers` to endpoints the ICE agent can use, saying in a sentence on standard error what was
    /// skipped and why. A relay-only call with no usable TURN server fails here, with a sentence, before anyone
    /// is called.
    func endpoints(for servers: [ICEServer]) throws -> [ICEServerEndpoint] {
        var endpoints: [ICEServerEndpoint] = []
        let fallback = turnUser.flatMap(Self.split)
        for server in servers {
            for text in server.urls {
                guard let url = try? ICEServerURL(parsing: text) else {
                    printError("linkup: ignoring ICE server \"\(text)\": not a stun:, turn: or turns: URL")
                    continue
                }
                if url.scheme == .stuns {
                    printError("linkup: ignoring \(url): STUN over TLS is not supported (use stun: or turns:)")
                    continue
                }
                guard let ip = Self.resolve(url.host) else {
                    printError("linkup: ignoring \(url): cannot resolve \(url.host)")
                    continue
                }
                let address = TransportAddress(ip: ip, port: url.port)
                let kind: ICEServerEndpoint.Kind
                if url.isTURN {
                    let credentials = server.username.flatMap { user in server.credential.map { (user, $0) } }
                        ?? fallback
                    guard let (username, password) = credentials else {
                        printError("linkup: ignoring \(url): no credentials (give --turn-user USER:PASS)")
                        continue
                    }
                    kind = .turn(username: username, password: password)
                } else {
                    kind = .stun
                }
                let transport: ICEServerTransport = url.isTLS ? .tls : (url.transport == .tcp ? .tcp : .udp)
                endpoints.append(ICEServerEndpoint(kind: kind, address: address, transport: transport,
                                                   name: url.host))
            }
        }
        if relayOnly, !endpoints.contains(where: \.isTURN) {
            throw CallError("--relay-only needs a TURN server, and none is usable " +
                            "(give --ice-server turn:HOST... or start linkup serve with one)")
        }
        return endpoints
    }

    /// USER:PASS split at the last colon (as `linkup serve --turn-user` does); nil when either side is empty.
    static func split(_ text: String) -> (String, String)? {
        ICEServerOptions.splitCredentials(text[...]).map { ($0.username, $0.credential) }
    }

    /// An IP literal as it is, a name through the system resolver (IPv4 first: the NATs WebRTC crosses are).
    static func resolve(_ host: String) -> IPAddress? {
        if let ip = IPAddress(host) { return ip }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var found: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                if entry.pointee.ai_family == AF_INET {
                    let bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }
                    }
                    if let ip = IPAddress(bytes: bytes) { found.append(ip) }
                } else if entry.pointee.ai_family == AF_INET6 {
                    let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
                    }
                    if let ip = IPAddress(bytes: bytes) { found.append(ip) }
                }
            }
            cursor = entry.pointee.ai_next
        }
        return found.first { !$0.isV6 } ?? found.first
    }
}
