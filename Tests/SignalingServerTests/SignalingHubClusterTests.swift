import Signaling
@testable import SignalingServer
import Testing

/// Two hubs wired through their bus messages, as two nodes are through Redis: presence, chat, a call across them,
/// and a node's death.
@Suite struct SignalingHubClusterTests {
    struct Cluster {
        var a: HubHarness
        var b: HubHarness
        /// Every packet sent to a client so far, as "connection packet".
        var sent: [String] = []

        init() {
            let ids = Counter()
            a = HubHarness(configuration: SignalingHubConfiguration(nodeID: "A"))
            b = HubHarness(configuration: SignalingHubConfiguration(nodeID: "B"))
            // Socket ids unique across both nodes, as random ids are.
            a.hub = SignalingHub(configuration: a.hub.configuration) { "a\(ids.next())" }
            b.hub = SignalingHub(configuration: b.hub.configuration) { "b\(ids.next())" }
        }

        /// Sends `text` on node `node` from `connection`, then carries the bus messages to the other node.
        mutating func send(_ node: String, _ connection: String, _ text: String) {
            let outputs = node == "A" ? a.send(connection, text) : b.send(connection, text)
            route(outputs, from: node)
        }

        mutating func route(_ outputs: [SignalingHub.Output], from node: String) {
            for output in outputs {
                switch output {
                case .send(let connection, let packet): sent.append("\(connection) \(packet.encoded)")
                case .release: break
                case .publish(let message):
                    let delivered = node == "A" ? b.hub.applyBus(message, now: 0) : a.hub.applyBus(message, now: 0)
                    route(delivered, from: node == "A" ? "B" : "A")
                }
            }
        }

        mutating func take() -> [String] {
            defer { sent = [] }
            return sent
        }
    }

    @Test func presenceChatAndACallAcrossNodes() {
        var cluster = Cluster()
        cluster.send("A", "c1", #"0{"name":"alice"}"#)
        cluster.send("A", "c1", #"2["join",{"room":"r","name":"alice"}]"#)
        cluster.send("B", "c2", #"0{"name":"bob"}"#)
        _ = cluster.take()
        cluster.send("B", "c2", #"21["join",{"room":"r","name":"bob"}]"#)
        let joined = cluster.take()
        #expect(joined.contains(#"c2 31[{"iceServers":[],"ok":true,"peers":[{"id":"a1","name":"alice"}],"self":{"id":"b2","name":"bob"}}]"#))
        #expect(joined.contains(#"c1 2["peer-joined",{"id":"b2","name":"bob","room":"r"}]"#))

        cluster.send("A", "c1", #"2["chat",{"room":"r","text":"hi"}]"#)
        let chats = cluster.take()
        #expect(chats.count == 2 && chats.allSatisfy { $0.contains(#""text":"hi""#) })

        cluster.send("A", "c1", #"2["call",{"to":"b2"}]"#)
        #expect(cluster.take() == [#"c2 2["incomingCall",{"from":"a1","name":"alice"}]"#])
        cluster.send("B", "c2", #"2["accept",{"to":"a1"}]"#)
        #expect(cluster.take() == [#"c1 2["callAccepted",{"from":"b2"}]"#])
        #expect(cluster.a.hub.inCall("a1", "b2") && cluster.b.hub.inCall("a1", "b2"))
    }

    @Test func aDeadNodesParticipantsLeaveWithHangup() {
        var cluster = Cluster()
        cluster.send("A", "c1", #"0{"name":"alice"}"#)
        cluster.send("A", "c1", #"2["join",{"room":"r","name":"alice"}]"#)
        cluster.send("B", "c2", #"0{"name":"bob"}"#)
        cluster.send("B", "c2", #"2["join",{"room":"r","name":"bob"}]"#)
        cluster.send("B", "c2", #"2["call",{"to":"a1"}]"#)
        _ = cluster.take()
        #expect(cluster.a.hub.remoteNodes == ["B"])
        #expect(cluster.a.hub.members(ofNode: "B").map(\.id) == ["b2"])
        let outputs = cluster.a.hub.removeNode("B")
        #expect(texts(outputs) == [#"c1 2["hangup",{"from":"b2"}]"#, #"c1 2["peer-left",{"id":"b2","room":"r"}]"#])
        #expect(cluster.a.hub.remoteNodes.isEmpty)
    }

    @Test func ownEchoesAndNonsenseAreIgnored() {
        var hub = HubHarness(configuration: SignalingHubConfiguration(nodeID: "A")).hub
        #expect(hub.applyBus(["t": "join", "node": "A", "id": "x", "name": "n", "room": "r"], now: 0).isEmpty)
        #expect(hub.applyBus(["t": "relay", "node": "B", "to": "nobody"], now: 0).isEmpty)
        #expect(hub.applyBus(["t": "what", "node": "B"], now: 0).isEmpty)
        #expect(hub.applyBus("not an object", now: 0).isEmpty)
        #expect(hub.participantCount == 0)
    }
}
