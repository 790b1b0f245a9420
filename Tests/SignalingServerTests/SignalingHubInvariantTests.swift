import Signaling
import SignalingServer
import Testing

/// Random but seeded sequences of connects, joins, leaves, calls, relays and disconnects from a few connections:
/// the hub must never send to a connection that is gone, never deliver across rooms, and end empty.
@Suite struct SignalingHubInvariantTests {
    /// SplitMix64, so every run replays the same sequence.
    struct Seeded {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomSequencesKeepTheRules(seed: UInt64) {
        var random = Seeded(state: seed)
        var harness = HubHarness()
        let connections = (1...5).map { "c\($0)" }
        let rooms = ["r1", "r2"]
        var live: Set<String> = []
        for step in 0..<2_000 {
            let connection = connections[random.next(connections.count)]
            let room = rooms[random.next(rooms.count)]
            let target = harness.hub.socketID(of: connections[random.next(connections.count)]) ?? "gone"
            let text: String
            switch random.next(9) {
            case 0: text = "0"
            case 1: text = #"2\#(step)["join",{"room":"\#(room)","name":"n\#(step % 7)"}]"#
            case 2: text = #"2["leave",{"room":"\#(room)"}]"#
            case 3: text = #"2["chat",{"room":"\#(room)","text":"t"}]"#
            case 4: text = #"2["call",{"to":"\#(target)"}]"#
            case 5: text = #"2["accept",{"to":"\#(target)"}]"#
            case 6: text = #"2["offer",{"to":"\#(target)","sdp":"v=0"}]"#
            case 7: text = #"2["hangup",{"to":"\#(target)"}]"#
            default: text = "1"
            }
            let senderRooms = Set(harness.hub.socketID(of: connection).map { harness.hub.rooms(of: $0) } ?? [])
            let outputs = random.next(20) == 0 ? harness.hub.disconnect(connection) : harness.send(connection, text)
            if text == "0" { live.insert(connection) }
            // A join adds the room the announcement goes to; count the rooms from before and after the step.
            let roomsAfter = harness.hub.socketID(of: connection).map { harness.hub.rooms(of: $0) } ?? []
            let shared = senderRooms.union(roomsAfter)
            for case .send(let destination, let packet) in outputs {
                #expect(harness.hub.socketID(of: destination) != nil || destination == connection,
                        "sent to a connection that is gone")
                guard let event = packet.event, event.name != "peer-left", event.name != "hangup",
                      let id = harness.hub.socketID(of: destination) else { continue }
                // Anything relayed reaches only someone who shares a room with the sender.
                #expect(!shared.isDisjoint(with: harness.hub.rooms(of: id)) || destination == connection,
                        "\(event.name) crossed rooms")
            }
        }
        for connection in live { _ = harness.hub.disconnect(connection) }
        #expect(harness.hub.participantCount == 0)
        #expect(harness.hub.roomCount == 0)
    }
}
