import ICE
import Testing
import Wire

/// A `TURNClient` wired straight to a `FakeTURNServer` on a virtual clock, recording what each side said: the
/// harness of the TURN client's unit tests. Over a stream transport, what the server sends goes through a
/// `TURNStreamFramer` on its way to the client, as the agent does it.
struct TURNLink {
    static let clientAddress = TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000)
    static let serverAddress = TransportAddress(ip: .v4(10, 0, 0, 100), port: 3478)
    static let peer = TransportAddress(ip: .v4(10, 0, 0, 2), port: 6000)

    var client: TURNClient
    var server: FakeTURNServer
    var now = Instant.zero
    /// Every message the client sent, with when.
    var sent: [(at: Instant, bytes: [UInt8])] = []
    /// Every message the server sent the client.
    var fromServer: [[UInt8]] = []
    /// The client's events, with when.
    var events: [(at: Instant, event: TURNClient.Event)] = []
    /// The peers' data the client handed up.
    var received: [(peer: TransportAddress, payload: [UInt8])] = []
    /// What the server relayed to peers.
    var toPeers: [Datagram] = []
    private var framer = TURNStreamFramer()

    /// A client of user `username` with `password` (the server knows alice/secret) over `transport`.
    init(transport: ICEServerTransport = .udp, username: String = "alice", password: String = "secret",
         configuration: TURNClient.Configuration = TURNClient.Configuration()) {
        server = FakeTURNServer(address: Self.serverAddress, transport: transport)
        let endpoint = ICEServerEndpoint(kind: .turn(username: username, password: password),
                                         address: Self.serverAddress, transport: transport, name: "turn.test")
        client = TURNClient(server: endpoint, configuration: configuration, random: SeededGenerator(seed: 7))
    }

    // MARK: Driving

    /// Starts the client and lets it talk to the server until both are quiet.
    mutating func allocate() {
        client.start(now: now)
        pump()
    }

    /// Has the client install a permission for `ip` and waits for it.
    mutating func permit(_ ip: IPAddress) {
        client.createPermission(for: ip, now: now)
        pump()
    }

    /// Takes what the client has to send without delivering it (recorded in `sent`; events in `events`).
    mutating func takeClientOutputs() -> [[UInt8]] {
        var taken: [[UInt8]] = []
        while let output = client.pollOutput() {
            switch output {
            case let .transmit(bytes):
                sent.append((now, bytes))
                taken.append(bytes)
            case let .event(event):
                events.append((now, event))
            }
        }
        return taken
    }

    /// Delivers client bytes to the server.
    mutating func deliverToServer(_ messages: [[UInt8]]) {
        for bytes in messages {
            server.receive(Datagram(local: Self.serverAddress, remote: Self.clientAddress, payload: bytes), now: now)
        }
    }

    /// Moves messages both ways until neither side has anything more to say.
    mutating func pump() {
        while true {
            let outgoing = takeClientOutputs()
            deliverToServer(outgoing)
            var moved = !outgoing.isEmpty
            while let datagram = server.pollTransmit() {
                moved = true
                if datagram.remote == Self.clientAddress {
                    deliverToClient(datagram.payload)
                } else {
                    toPeers.append(datagram)
                }
            }
            if !moved { return }
        }
    }

    /// Bytes from the server, split by the stream framer when the transport is a stream.
    mutating func deliverToClient(_ bytes: [UInt8]) {
        var messages = [bytes]
        if client.server.transport.isStream {
            framer.append(bytes)
            messages = []
            while let message = try? framer.nextMessage() { messages.append(message) }
        }
        for message in messages {
            fromServer.append(message)
            if let data = client.handle(message[...], now: now) { received.append((data.peer, Array(data.payload))) }
        }
    }

    /// A datagram from `peer` to the client's relayed address.
    mutating func peerSends(_ payload: [UInt8], from peer: TransportAddress = Self.peer) {
        guard let relayed = client.relayedAddress else { return }
        server.receive(Datagram(local: relayed, remote: peer, payload: payload), now: now)
        pump()
    }

    /// Runs the client's timers until `now + duration`, delivering as it goes.
    mutating func advance(by duration: Duration) {
        let end = now + duration
        var steps = 0
        while let deadline = client.nextDeadline(), deadline <= end {
            steps += 1
            guard steps < 100_000 else {
                Issue.record("the client keeps a deadline it does not move past (\(deadline))")
                return
            }
            now = max(now, deadline)
            client.handleTimeout(now: now)
            pump()
        }
        now = end
    }

    // MARK: Reading

    /// The client's STUN messages (ChannelData left out), with when they were sent.
    var sentSTUN: [(at: Instant, message: STUNMessage)] {
        sent.compactMap { entry in (try? STUNMessage(parsing: entry.bytes)).map { (entry.at, $0) } }
    }

    /// The client's requests of `method`.
    func sentRequests(_ method: STUNMethod) -> [(at: Instant, message: STUNMessage)] {
        sentSTUN.filter { $0.message.type.method == method && $0.message.type.messageClass == .request }
    }

    /// The client's ChannelData messages as sent.
    var sentChannelData: [[UInt8]] { sent.map(\.bytes).filter { $0.first.map { $0 & 0xF0 == 0x40 } ?? false } }

    /// The relayed addresses of every `allocated` event, in order.
    var allocations: [TransportAddress] {
        events.compactMap { if case let .allocated(relayed, _) = $0.event { relayed } else { nil } }
    }

    /// The first `failed` event's error and when it came.
    var failure: (at: Instant, error: TURNError)? {
        events.lazy.compactMap { if case let .failed(error) = $0.event { ($0.at, error) } else { nil } }.first
    }
}
