import Foundation
import Logging
import RESP
import Signaling

/// Scale-out over Redis: the hub's bus messages (see `SignalingHub.applyBus`) go to the other nodes through Redis
/// pub/sub (channel `linkup:bus`), room memberships are kept in the hash `linkup:members` (field `ID|ROOM`, value
/// `{"node","name"}`) so a node that starts late learns who is where, and every node refreshes a heartbeat key
/// `linkup:node:ID` with a 3 s TTL each second. A node whose key has expired is dead: each other node removes its
/// participants (hangup and peer-left for its own) and their membership records.
actor RedisBus {
    /// The pub/sub channel of bus messages.
    static let channel = "linkup:bus"
    /// The hash of room memberships.
    static let membersKey = "linkup:members"
    /// How long a heartbeat key lives, in milliseconds, and how often it is refreshed.
    static let heartbeatTTL = 3_000
    static let heartbeatInterval = Duration.seconds(1)

    let nodeID: String
    private let redis: RedisConnection
    private let engine: EngineIOServer
    private let logger: Logger
    /// Messages to publish; each batch that accumulated while the previous one was on its way goes out in one
    /// pipelined round trip.
    private let outgoing = BatchQueue<JSONValue>()
    /// What the subscription brought, in order: connections and the other nodes' messages.
    private let incoming = BatchQueue<Incoming>()

    /// One item of `incoming`.
    private enum Incoming: Sendable {
        /// Connected (again) to Redis.
        case connected
        /// Another node's bus message.
        case message(JSONValue)
    }
    private var tasks: [Task<Void, Never>] = []
    /// Nodes whose heartbeat key we have seen, and since when a node's key has been missing.
    private var seenAlive: Set<String> = []
    private var missingSince: [String: ContinuousClock.Instant] = [:]

    init(address: RedisAddress, nodeID: String, engine: EngineIOServer, logger: Logger) {
        self.nodeID = nodeID
        self.redis = RedisConnection(address: address, logger: logger)
        self.engine = engine
        self.logger = logger
    }

    /// Redis replies received so far.
    var roundTrips: Int { get async { await redis.roundTrips } }

    /// Hands a bus message to Redis, in order with the others (never blocks the caller).
    nonisolated func publish(_ message: JSONValue) {
        outgoing.push(message)
    }

    /// Connects (in the background, reconnecting as needed), subscribes, loads the memberships of the other nodes,
    /// and starts publishing and the heartbeat.
    func start() async {
        await redis.subscribe([Self.channel])
        await redis.start()
        let redis = self.redis, engine = self.engine, nodeID = self.nodeID, logger = self.logger
        let incoming = self.incoming
        tasks.append(Task {
            for await event in redis.events {
                switch event {
                case .connected:
                    logger.info("redis connected", metadata: ["node": "\(nodeID)"])
                    incoming.push(.connected)
                case .disconnected(let reason):
                    logger.warning("redis lost", metadata: ["reason": "\(reason)"])
                case .push(let elements):
                    guard elements.count == 3, elements[0].string == "message", elements[1].string == Self.channel,
                          let text = elements[2].string, let message = try? JSONValue(parsing: text) else { continue }
                    incoming.push(.message(message))
                }
            }
        })
        tasks.append(Task {
            // In arrival order: the bus messages between two (re)connections reach the engine in one call.
            while let batch = await incoming.next() {
                var messages: [JSONValue] = []
                for item in batch {
                    switch item {
                    case .message(let message):
                        messages.append(message)
                    case .connected:
                        if !messages.isEmpty { await engine.applyBus(messages) }
                        messages = []
                        await self.heartbeat()
                        await self.loadMembers()
                        // After an outage the others may have removed our participants: announce them again.
                        for message in await engine.ownMembershipAnnouncements { self.publish(message) }
                    }
                }
                if !messages.isEmpty { await engine.applyBus(messages) }
            }
        })
        let outgoing = self.outgoing
        tasks.append(Task {
            while let batch = await outgoing.next() {
                await self.send(batch)
            }
        })
        tasks.append(Task {
            while !Task.isCancelled {
                await self.heartbeat()
                try? await Task.sleep(for: Self.heartbeatInterval)
            }
        })
    }

    /// Stops publishing and closes the connection.
    func stop() async {
        outgoing.finish()
        incoming.finish()
        for task in tasks { task.cancel() }
        _ = try? await redis.send(["DEL", "linkup:node:\(nodeID)"])
        await redis.stop()
    }

    private func send(_ messages: [JSONValue]) async {
        var commands: [[String]] = []
        for message in messages {
            commands.append(["PUBLISH", Self.channel, message.serialized])
            let id = message["id"]?.stringValue ?? ""
            switch message["t"]?.stringValue {
            case "join":
                let record: JSONValue = ["node": .string(nodeID), "name": message["name"] ?? .null]
                commands.append(["HSET", Self.membersKey, "\(id)|\(message["room"]?.stringValue ?? "")",
                                 record.serialized])
            case "leave":
                commands.append(["HDEL", Self.membersKey, "\(id)|\(message["room"]?.stringValue ?? "")"])
            case "gone":
                let rooms = message["rooms"]?.arrayValue?.compactMap(\.stringValue) ?? []
                if !rooms.isEmpty { commands.append(["HDEL", Self.membersKey] + rooms.map { "\(id)|\($0)" }) }
            default:
                break
            }
        }
        do {
            _ = try await redis.pipeline(commands)
        } catch {
            logger.warning("could not publish to redis", metadata: ["error": "\(error)"])
        }
    }

    /// Refreshes our heartbeat key and removes the nodes whose key has expired.
    private func heartbeat() async {
        do {
            try await redis.send(["SET", "linkup:node:\(nodeID)", "1", "PX", String(Self.heartbeatTTL)])
            let nodes = await engine.remoteNodes.sorted()
            guard !nodes.isEmpty else { return }
            let alive = try await redis.pipeline(nodes.map { ["EXISTS", "linkup:node:\($0)"] })
            let now = ContinuousClock.now
            for (node, reply) in zip(nodes, alive) {
                guard reply.integer == 0 else {
                    seenAlive.insert(node)
                    missingSince[node] = nil
                    continue
                }
                // A key seen before and now missing has expired: the node is dead. A key never seen may belong to a
                // node that has just started: it gets one TTL to appear.
                let since = missingSince[node] ?? now
                missingSince[node] = since
                guard seenAlive.contains(node) || now - since >= .milliseconds(Self.heartbeatTTL) else { continue }
                seenAlive.remove(node)
                missingSince[node] = nil
                logger.notice("node gone (heartbeat expired)", metadata: ["node": "\(node)"])
                let members = await engine.nodeDied(node)
                let fields = members.flatMap { member in member.rooms.map { "\(member.id)|\($0)" } }
                if !fields.isEmpty { _ = try? await redis.send(["HDEL", Self.membersKey] + fields) }
            }
        } catch {
            logger.debug("heartbeat failed", metadata: ["error": "\(error)"])
        }
    }

    /// Reads every membership of the other nodes and applies it as a join.
    private func loadMembers() async {
        do {
            let reply = try await redis.send(["HGETALL", Self.membersKey])
            var entries: [(String, String)] = []
            switch reply {
            case .map(let pairs):
                entries = pairs.compactMap { pair in pair.key.string.flatMap { key in pair.value.string.map { (key, $0) } } }
            case .array(let values):
                var index = 0
                while index + 1 < values.count {
                    if let key = values[index].string, let value = values[index + 1].string { entries.append((key, value)) }
                    index += 2
                }
            default:
                break
            }
            for (field, value) in entries.sorted(by: { $0.0 < $1.0 }) {
                let parts = field.split(separator: "|", maxSplits: 1).map(String.init)
                guard parts.count == 2, let record = try? JSONValue(parsing: value),
                      let node = record["node"]?.stringValue, node != nodeID else { continue }
                await engine.applyBus([["t": "join", "node": .string(node), "id": .string(parts[0]),
                                       "name": record["name"] ?? "anonymous", "room": .string(parts[1])]])
            }
        } catch {
            logger.warning("could not load the memberships from redis", metadata: ["error": "\(error)"])
        }
    }
}
