import Foundation
import Logging
import Signaling

/// A participant's presence in one room: the signaling connection, who we are, who else is there, and the pump
/// that hands call events to a `CallRouter`.
struct RoomSession: Sendable {
    let client: SignalingClient
    let roster: RoomRoster
    let room: String
    /// Our id and name as the server knows them.
    let me: PeerInfo
    /// The STUN/TURN servers the server told us to use, as `RTCIceServer` entries: each one's `parsedURLs` gives its
    /// URLs as `ICEServerURL`s (scheme, host, port, transport), beside its `username` and `credential`. LinkUp's ICE
    /// agent uses host candidates today; these are kept for gathering server-reflexive and relayed ones.
    let iceServers: [ICEServer]

    /// Connects to the server of `options` and joins its room as `options.name`, or `defaultName`; `caFile` is a CA
    /// to trust for a wss:// server besides the system's.
    static func join(_ options: SignalingOptions, defaultName: String, caFile: String? = nil) async throws
        -> RoomSession {
        let name = options.name ?? defaultName
        let client = SignalingClient(configuration: options.clientConfiguration(name: name, caFile: caFile))
        do {
            try await client.connect()
        } catch {
            await client.close()
            throw CallError("could not connect to \(options.server): \(error)")
        }
        let ack: SignalingAck
        do {
            ack = try await client.request(.join(room: options.room, name: name))
        } catch {
            await client.close()
            throw CallError("could not join room \"\(options.room)\": \(error)")
        }
        guard case let .joined(me, peers, iceServers) = ack else {
            await client.close()
            throw CallError("the server refused to let us join room \"\(options.room)\": \(ack.json.serialized)")
        }
        let roster = RoomRoster()
        await roster.reset(peers)
        return RoomSession(client: client, roster: roster, room: options.room, me: me, iceServers: iceServers)
    }

    /// Follows the server's events until the client closes: presence goes to the roster, call events to `router`.
    func pump(into router: CallRouter, verbose: Bool) -> Task<Void, Never> {
        let client = self.client, roster = self.roster
        return Task {
            for await event in client.events {
                switch event {
                case let .event(signal):
                    switch signal {
                    case let .peerJoined(_, id, name):
                        await roster.joined(PeerInfo(id: id, name: name))
                        if verbose { printError("linkup: \(name) joined") }
                    case let .peerLeft(_, id):
                        await roster.left(id)
                    case let .chat(_, _, name, text, _):
                        if verbose { printError("linkup: [chat] \(name): \(text)") }
                    default:
                        break
                    }
                    await router.handle(signal)
                case let .disconnected(reason):
                    // Media does not need signaling: calls go on while the client reconnects and recovers.
                    printError("linkup: lost the signaling server (\(reason)); reconnecting, calls go on")
                case let .connected(socketID) where socketID != me.id:
                    // Not recovered (the window passed, or the server restarted): the server has ended our calls
                    // under the old id, so end them here too.
                    printError("linkup: reconnected as a new participant; ending calls of the old session")
                    await router.hangUpAll(reason: "the signaling session was lost")
                case .connected:
                    break
                case .other:
                    break
                }
            }
        }
    }

    /// Leaves the room and disconnects.
    func leave() async {
        _ = try? await client.request(.leave(room: room))
        await client.close()
    }
}

/// Why a call could not be placed or run, in a sentence.
struct CallError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
