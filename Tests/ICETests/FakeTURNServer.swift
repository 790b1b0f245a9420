import ICE
import Simulation
import Wire

/// A small sans-IO TURN server (RFC 8656) for tests, never for production: just enough of the protocol to drive
/// `TURNClient` and `ICEAgent` through allocation, refresh, permissions, channels and relaying, plus the failures
/// tests need to provoke (a rotated nonce for 438, a restart for 437, an injected error code, silence).
///
/// It authenticates with long-term credentials (RFC 8489 §9.2.4) under a fixed realm, keeps one allocation per
/// client transport address (the 5-tuple's only varying part: the server address and transport are fixed), hands
/// out relayed addresses on its own IP from port 49152, and answers plain STUN Binding requests too. Expiry of
/// allocations, permissions (300 s) and channels (600 s) is checked lazily whenever a datagram arrives.
///
/// Use it directly (`receive(_:now:)`, then `pollTransmit()`) or as an endpoint of a `SimulationLoop`: it listens
/// on `address` and on every relayed address it has allocated.
struct FakeTURNServer: SimulatedEndpoint {
    /// One allocation (RFC 8656 §2.2).
    struct Allocation {
        var client: TransportAddress
        var relayed: TransportAddress
        var expiresAt: Instant
        /// Permitted peer IPs and when each permission expires (RFC 8656 §9).
        var permissions: [IPAddress: Instant] = [:]
        /// Bound channels: number → peer and expiry (RFC 8656 §12).
        var channels: [UInt16: (peer: TransportAddress, expiresAt: Instant)] = [:]

        func channel(to peer: TransportAddress) -> UInt16? {
            channels.first { $0.value.peer == peer }?.key
        }
    }

    private struct AnswerKey: Hashable {
        var client: TransportAddress
        var transactionID: TransactionID
    }

    /// Where clients reach the server.
    let address: TransportAddress
    /// UDP, or a stream transport: then ChannelData to clients is padded to four bytes (RFC 8656 §12.5).
    var transport: ICEServerTransport
    /// The realm of every challenge.
    var realm = "linkup.test"
    /// Known users and their passwords.
    var users: [String: String]
    /// The nonce challenges carry; `rotateNonce()` makes the one clients hold stale.
    private(set) var nonce = "nonce-0"
    /// Answer nothing at all (a dead or firewalled server).
    var silent = false
    /// Report this as every client's XOR-MAPPED-ADDRESS instead of where its requests came from (a NAT in front of
    /// the client); nil reports the real source.
    var reportedMappedAddress: TransportAddress?
    /// The most a client may ask for (RFC 8656 §7.2: the server may shorten lifetimes).
    var maximumLifetime: UInt32 = 3600
    /// The allocations, by client transport address.
    private(set) var allocations: [TransportAddress: Allocation] = [:]
    /// Every request received, with its arrival time, for assertions.
    private(set) var requests: [(at: Instant, message: STUNMessage)] = []
    /// Datagrams from peers dropped for want of a permission.
    private(set) var droppedFromPeers = 0

    private var nonceCount = 0
    private var nextPort: UInt16 = 49_152
    private var injectedErrors: [STUNMethod: [Int]] = [:]
    /// Answers by client and transaction ID, so a retransmitted request gets the same answer (RFC 8489 §6.3.1).
    private var answered: [AnswerKey: [UInt8]] = [:]
    private var outbox: [Datagram] = []

    /// A server at `address` that knows `users` (username → password).
    init(address: TransportAddress, transport: ICEServerTransport = .udp,
         users: [String: String] = ["alice": "secret"]) {
        self.address = address
        self.transport = transport
        self.users = users
    }

    // MARK: Test controls

    /// Issues a new nonce: the next authenticated request with the old one gets 438 Stale Nonce.
    mutating func rotateNonce() {
        nonceCount += 1
        nonce = "nonce-\(nonceCount)"
    }

    /// Forgets every allocation (and cached answer) and issues a new nonce, as a restarted server would.
    mutating func restart() {
        allocations.removeAll()
        answered.removeAll()
        rotateNonce()
    }

    /// Answers the next `times` authenticated requests of `method` with error `code` instead of carrying them out.
    mutating func failNext(_ method: STUNMethod, with code: Int, times: Int = 1) {
        injectedErrors[method, default: []] += Array(repeating: code, count: times)
    }

    /// The requests received of one method, in order.
    func requests(_ method: STUNMethod) -> [(at: Instant, message: STUNMessage)] {
        requests.filter { $0.message.type.method == method }
    }

    /// The allocation whose relayed address is `relayed`.
    func allocation(relayedAt relayed: TransportAddress) -> Allocation? {
        allocations.values.first { $0.relayed == relayed }
    }

    // MARK: SimulatedEndpoint

    var addresses: [TransportAddress] { [address] + allocations.values.map(\.relayed) }

    /// Feeds one datagram: from a client when it arrives on `address` (for a stream transport, one framed
    /// message), from a peer when it arrives on a relayed address.
    mutating func receive(_ datagram: Datagram, now: Instant) {
        guard !silent else { return }
        expire(now: now)
        if datagram.local == address {
            fromClient(datagram.remote, datagram.payload, now: now)
        } else if let allocation = allocations.values.first(where: { $0.relayed == datagram.local }) {
            fromPeer(datagram.remote, datagram.payload, to: allocation)
        }
    }

    mutating func handleTimeout(now: Instant) {}

    mutating func pollTransmit() -> Datagram? { outbox.isEmpty ? nil : outbox.removeFirst() }

    func nextDeadline() -> Instant? { nil }

    // MARK: Clients

    private mutating func fromClient(_ client: TransportAddress, _ bytes: [UInt8], now: Instant) {
        if let first = bytes.first, first & 0xF0 == 0x40 {
            // ChannelData (RFC 8656 §12.4): relayed on a bound channel, dropped otherwise.
            guard let frame = try? ChannelData(parsing: bytes), let allocation = allocations[client],
                  let peer = allocation.channels[frame.channel]?.peer else { return }
            outbox.append(Datagram(local: allocation.relayed, remote: peer, payload: Array(frame.data)))
            return
        }
        guard let message = try? STUNMessage(parsing: bytes) else { return }
        switch message.type.messageClass {
        case .request:
            requests.append((now, message))
            if let cached = answered[AnswerKey(client: client, transactionID: message.transactionID)] {
                outbox.append(Datagram(local: address, remote: client, payload: cached))
            } else {
                handleRequest(message, from: client, now: now)
            }
        case .indication where message.type.method == .send:
            // Send indication (RFC 8656 §11.2): relayed when the peer has a permission.
            guard let allocation = allocations[client], let peer = message.xorPeerAddress, let data = message.data,
                  allocation.permissions[peer.ip] != nil else { return }
            outbox.append(Datagram(local: allocation.relayed, remote: peer, payload: data))
        default:
            return
        }
    }

    private mutating func handleRequest(_ request: STUNMessage, from client: TransportAddress, now: Instant) {
        if request.type.method == .binding {
            let mapped = reportedMappedAddress ?? client
            answer(.successResponse(to: request, attributes: [.xorMappedAddress(mapped)]), to: client, key: nil)
            return
        }
        guard let key = authenticate(request, from: client) else { return }
        if let code = injectedErrors[request.type.method]?.first {
            injectedErrors[request.type.method]?.removeFirst()
            let challenge: [STUNAttribute] = code == 401 || code == 438 ? [.realm(realm), .nonce(nonce)] : []
            answer(.errorResponse(to: request, code: code, attributes: challenge), to: client, key: key)
            return
        }
        switch request.type.method {
        case .allocate: allocate(request, for: client, key: key, now: now)
        case .refresh: refresh(request, for: client, key: key, now: now)
        case .createPermission: createPermission(request, for: client, key: key, now: now)
        case .channelBind: channelBind(request, for: client, key: key, now: now)
        default: answer(.errorResponse(to: request, code: 400), to: client, key: key)
        }
    }

    /// Long-term credential checks in the order of RFC 8489 §9.2.4; the key on success, nil once an error went out.
    private mutating func authenticate(_ request: STUNMessage, from client: TransportAddress) -> STUNKey? {
        let challenge: [STUNAttribute] = [.realm(realm), .nonce(nonce)]
        guard request.messageIntegrity != nil else {
            answer(.errorResponse(to: request, code: 401, attributes: challenge), to: client, key: nil)
            return nil
        }
        guard let username = request.username, request.realm != nil, let theirNonce = request.nonce else {
            answer(.errorResponse(to: request, code: 400), to: client, key: nil)
            return nil
        }
        guard theirNonce == nonce else {
            answer(.errorResponse(to: request, code: 438, attributes: challenge), to: client, key: nil)
            return nil
        }
        guard let password = users[username], request.realm == realm else {
            answer(.errorResponse(to: request, code: 401, attributes: challenge), to: client, key: nil)
            return nil
        }
        let key = STUNKey.longTerm(username: username, realm: realm, password: password)
        guard (try? request.validateMessageIntegrity(key: key)) != nil else {
            answer(.errorResponse(to: request, code: 401, attributes: challenge), to: client, key: nil)
            return nil
        }
        return key
    }

    // MARK: Methods

    /// RFC 8656 §7.2.
    private mutating func allocate(_ request: STUNMessage, for client: TransportAddress, key: STUNKey, now: Instant) {
        guard allocations[client] == nil else {
            answer(.errorResponse(to: request, code: 437), to: client, key: key)
            return
        }
        guard request.requestedTransport == 17 else {
            answer(.errorResponse(to: request, code: 442), to: client, key: key)
            return
        }
        let lifetime = grantedLifetime(request)
        let relayed = TransportAddress(ip: address.ip, port: nextPort)
        nextPort += 1
        allocations[client] = Allocation(client: client, relayed: relayed, expiresAt: now + .seconds(lifetime))
        answer(.successResponse(to: request, attributes: [
            .xorRelayedAddress(relayed), .lifetime(lifetime), .xorMappedAddress(reportedMappedAddress ?? client),
        ]), to: client, key: key)
    }

    /// RFC 8656 §8: LIFETIME 0 deletes the allocation.
    private mutating func refresh(_ request: STUNMessage, for client: TransportAddress, key: STUNKey, now: Instant) {
        guard allocations[client] != nil else {
            answer(.errorResponse(to: request, code: 437), to: client, key: key)
            return
        }
        let lifetime = grantedLifetime(request)
        if lifetime == 0 {
            allocations[client] = nil
        } else {
            allocations[client]?.expiresAt = now + .seconds(lifetime)
        }
        answer(.successResponse(to: request, attributes: [.lifetime(lifetime)]), to: client, key: key)
    }

    /// RFC 8656 §9.2.
    private mutating func createPermission(_ request: STUNMessage, for client: TransportAddress, key: STUNKey,
                                           now: Instant) {
        guard allocations[client] != nil else {
            answer(.errorResponse(to: request, code: 437), to: client, key: key)
            return
        }
        let peers = request.xorPeerAddresses
        guard !peers.isEmpty else {
            answer(.errorResponse(to: request, code: 400), to: client, key: key)
            return
        }
        for peer in peers { allocations[client]?.permissions[peer.ip] = now + .seconds(300) }
        answer(.successResponse(to: request), to: client, key: key)
    }

    /// RFC 8656 §12.2: a channel binds one number to one peer, and installs the peer's permission.
    private mutating func channelBind(_ request: STUNMessage, for client: TransportAddress, key: STUNKey,
                                      now: Instant) {
        guard let allocation = allocations[client] else {
            answer(.errorResponse(to: request, code: 437), to: client, key: key)
            return
        }
        guard let number = request.channelNumber, ChannelData.channelRange.contains(number),
              let peer = request.xorPeerAddress,
              allocation.channels[number].map({ $0.peer == peer }) ?? true,
              allocation.channel(to: peer).map({ $0 == number }) ?? true
        else {
            answer(.errorResponse(to: request, code: 400), to: client, key: key)
            return
        }
        allocations[client]?.channels[number] = (peer, now + .seconds(600))
        allocations[client]?.permissions[peer.ip] = now + .seconds(300)
        answer(.successResponse(to: request), to: client, key: key)
    }

    private func grantedLifetime(_ request: STUNMessage) -> UInt32 {
        min(request.lifetime ?? 600, maximumLifetime)
    }

    // MARK: Peers

    /// A datagram from a peer to a relayed address (RFC 8656 §11.3): to the client as ChannelData when a channel
    /// is bound to the peer, as a Data indication otherwise; dropped without a permission.
    private mutating func fromPeer(_ peer: TransportAddress, _ payload: [UInt8], to allocation: Allocation) {
        guard allocation.permissions[peer.ip] != nil else {
            droppedFromPeers += 1
            return
        }
        let bytes: [UInt8]?
        if let number = allocation.channel(to: peer) {
            bytes = try? ChannelData(channel: number, data: payload).encode(padded: transport.isStream)
        } else {
            var random = SeededGenerator(seed: UInt64(requests.count) &+ 0xDA7A)
            let indication = STUNMessage(method: .data, messageClass: .indication,
                                         transactionID: TransactionID(using: &random),
                                         attributes: [.xorPeerAddress(peer), .data(payload)])
            bytes = try? indication.encode()
        }
        if let bytes { outbox.append(Datagram(local: address, remote: allocation.client, payload: bytes)) }
    }

    // MARK: Helpers

    /// Sends `message` to `client`, with MESSAGE-INTEGRITY when the request was authenticated, and remembers it
    /// for retransmissions of the request.
    private mutating func answer(_ message: STUNMessage, to client: TransportAddress, key: STUNKey?) {
        guard let bytes = try? message.encode(integrity: key, fingerprint: true) else { return }
        answered[AnswerKey(client: client, transactionID: message.transactionID)] = bytes
        outbox.append(Datagram(local: address, remote: client, payload: bytes))
    }

    /// Drops allocations, permissions and channels whose time is up.
    private mutating func expire(now: Instant) {
        allocations = allocations.filter { $0.value.expiresAt > now }.mapValues { allocation in
            var allocation = allocation
            allocation.permissions = allocation.permissions.filter { $0.value > now }
            allocation.channels = allocation.channels.filter { $0.value.expiresAt > now }
            return allocation
        }
    }
}
