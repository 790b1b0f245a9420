import ICE
import Testing
import Wire

/// `TURNClient` against `FakeTURNServer` when things go right (RFC 8656): allocation with long-term credentials,
/// refreshes, permissions, channels, data both ways, and closing. Failures are in `TURNClientFailureTests`.
@Suite struct TURNClientTests {
    static let key = STUNKey.longTerm(username: "alice", realm: "linkup.test", password: "secret")

    @Test func allocateAnswersTheChallengeWithLongTermCredentials() throws {
        var link = TURNLink()
        link.allocate()
        #expect(link.client.state == .allocated)
        let relayed = TransportAddress(ip: TURNLink.serverAddress.ip, port: 49_152)
        #expect(link.events.map(\.event) == [.allocated(relayed: relayed, mapped: TURNLink.clientAddress)])
        #expect(link.client.relayedAddress == relayed)
        #expect(link.client.mappedAddress == TURNLink.clientAddress)

        // RFC 8656 §7.1: the first Allocate goes without credentials and draws a 401 with realm and nonce.
        let allocates = link.sentRequests(.allocate).map(\.message)
        #expect(allocates.count == 2)
        let first = try #require(allocates.first)
        #expect(first.messageIntegrity == nil && first.username == nil && first.nonce == nil)
        #expect(first.requestedTransport == 17)
        #expect(first.hasValidFingerprint)
        // The second carries USERNAME, REALM and NONCE from the challenge and a MESSAGE-INTEGRITY under the
        // long-term key MD5(username:realm:password) (RFC 8489 §9.2).
        let second = try #require(allocates.last)
        #expect(second.transactionID != first.transactionID)
        #expect(second.username == "alice")
        #expect(second.realm == "linkup.test")
        #expect(second.nonce == "nonce-0")
        #expect(second.requestedTransport == 17)
        try second.validateMessageIntegrity(key: Self.key)
        #expect(second.hasValidFingerprint)
    }

    @Test func staleNonceOnARefreshIsRetriedWithTheNewNonce() throws {
        var link = TURNLink()
        link.allocate()
        link.server.rotateNonce()
        link.advance(by: .seconds(541))
        let refreshes = link.sentRequests(.refresh).map(\.message)
        #expect(refreshes.count == 2)
        #expect(refreshes.first?.nonce == "nonce-0")
        #expect(refreshes.last?.nonce == "nonce-1")
        try refreshes.last?.validateMessageIntegrity(key: Self.key)
        #expect(link.failure == nil)
        #expect(link.client.state == .allocated)
        // The allocation now lasts until 540 + 600 s, and the next refresh is planned a minute before.
        let allocation = try #require(link.server.allocations[TURNLink.clientAddress])
        #expect(allocation.expiresAt == .zero + .seconds(1140))
        #expect(link.client.nextDeadline() == .zero + .seconds(1080))
    }

    /// RFC 8656 §8: the client refreshes before the granted lifetime ends: a minute before it for long lifetimes,
    /// at half-time for short ones.
    @Test(arguments: [(UInt32(600), Int64(540)), (300, 240), (100, 50)])
    func refreshGoesOutBeforeTheLifetimeEnds(granted: UInt32, expectedSeconds: Int64) {
        var link = TURNLink()
        link.server.maximumLifetime = granted
        link.allocate()
        link.advance(by: .seconds(expectedSeconds) - .milliseconds(1))
        #expect(link.sentRequests(.refresh).isEmpty)
        link.advance(by: .milliseconds(2))
        let refreshes = link.sentRequests(.refresh)
        #expect(refreshes.map(\.at) == [.zero + .seconds(expectedSeconds)])
        #expect(refreshes.first?.message.lifetime == 600)
        #expect(link.server.allocations[TURNLink.clientAddress] != nil)
    }

    @Test func permissionsAreRefreshedEvery240SecondsAndChannelsEvery540() throws {
        var link = TURNLink()
        link.allocate()
        link.client.send([1], to: TURNLink.peer, now: link.now)
        link.pump()
        link.advance(by: .seconds(1000))
        #expect(link.failure == nil)
        // RFC 8656 §9 and §12: permissions last 300 s, channels 600 s; each is refreshed a minute early.
        let permissionTimes = link.sentRequests(.createPermission).map { $0.at - Instant.zero }
        let channelTimes = link.sentRequests(.channelBind).map { $0.at - Instant.zero }
        #expect(permissionTimes.first == .seconds(240))
        #expect(channelTimes == [Duration.zero, .seconds(540)])
        // A ChannelBind refreshes the permission too, so the peer's permission never goes 240 s unrefreshed.
        let refreshes = (permissionTimes + channelTimes).sorted() + [Duration.seconds(1000)]
        for (earlier, later) in zip(refreshes, refreshes.dropFirst()) { #expect(later - earlier <= .seconds(240)) }
        // After 1000 s the peer still gets through, on the same channel.
        let allocation = try #require(link.server.allocations[TURNLink.clientAddress])
        #expect(allocation.permissions[TURNLink.peer.ip] != nil)
        #expect(allocation.channel(to: TURNLink.peer) == 0x4000)
        link.client.send([2], to: TURNLink.peer, now: link.now)
        link.pump()
        #expect(link.toPeers.map(\.payload) == [[1], [2]])
    }

    @Test func firstSendQueuesUntilTheChannelBindInstallsThePermission() throws {
        var link = TURNLink()
        link.allocate()
        link.client.send([1, 2, 3], to: TURNLink.peer, now: link.now)
        // Nothing may reach the server for an unpermitted peer: the datagram waits for the ChannelBind.
        let first = link.takeClientOutputs()
        #expect(first.count == 1)
        let bind = try STUNMessage(parsing: try #require(first.first))
        #expect(bind.type == STUNMessageType(method: .channelBind, messageClass: .request))
        #expect(bind.channelNumber == 0x4000)
        #expect(bind.xorPeerAddress == TURNLink.peer)
        link.deliverToServer(first)
        link.pump()
        // The bound channel installed the permission: the queued datagram went out as ChannelData.
        let relayed = try #require(link.client.relayedAddress)
        #expect(link.toPeers == [Datagram(local: relayed, remote: TURNLink.peer, payload: [1, 2, 3])])
        #expect(link.sentChannelData == [[0x40, 0x00, 0x00, 0x03, 1, 2, 3]])
        // Later datagrams go straight out as ChannelData, with no request.
        link.client.send([4], to: TURNLink.peer, now: link.now)
        #expect(link.takeClientOutputs() == [[0x40, 0x00, 0x00, 0x01, 4]])
    }

    @Test func aPermittedPeerGetsSendIndicationsUntilItsChannelIsBound() throws {
        var link = TURNLink()
        link.allocate()
        link.permit(TURNLink.peer.ip)
        #expect(link.sentRequests(.createPermission).count == 1)
        link.client.send([7, 7], to: TURNLink.peer, now: link.now)
        let raw = link.takeClientOutputs()
        let outputs = try raw.map { try STUNMessage(parsing: $0) }
        #expect(outputs.map(\.type) == [STUNMessageType(method: .channelBind, messageClass: .request),
                                        STUNMessageType(method: .send, messageClass: .indication)])
        #expect(outputs.last?.xorPeerAddress == TURNLink.peer)
        #expect(outputs.last?.data == [7, 7])
        link.deliverToServer(raw)
        link.pump()
        #expect(link.toPeers.map(\.payload) == [[7, 7]])
        link.client.send([8], to: TURNLink.peer, now: link.now)
        #expect(link.takeClientOutputs() == [[0x40, 0x00, 0x00, 0x01, 8]])
    }

    @Test func peerDataArrivesAsDataIndicationsThenAsChannelData() throws {
        var link = TURNLink()
        link.allocate()
        link.permit(TURNLink.peer.ip)
        link.peerSends([9, 9])
        #expect(try STUNMessage(parsing: try #require(link.fromServer.last)).type.method == .data)
        link.client.send([0], to: TURNLink.peer, now: link.now)
        link.pump()
        link.peerSends([8])
        #expect(link.fromServer.last == [0x40, 0x00, 0x00, 0x01, 8])
        #expect(link.received.map(\.peer) == [TURNLink.peer, TURNLink.peer])
        #expect(link.received.map(\.payload) == [[9, 9], [8]])
        // A peer without a permission is dropped by the server and never reaches the client.
        link.peerSends([6], from: TransportAddress(ip: .v4(10, 0, 0, 3), port: 1))
        #expect(link.server.droppedFromPeers == 1)
        #expect(link.received.count == 2)
    }

    @Test func sendWhileAllocatingWaitsForTheAllocation() throws {
        var link = TURNLink()
        link.client.start(now: link.now)
        link.client.send([5], to: TURNLink.peer, now: link.now)
        link.pump()
        let relayed = try #require(link.client.relayedAddress)
        #expect(link.toPeers == [Datagram(local: relayed, remote: TURNLink.peer, payload: [5])])
    }

    @Test func closeDeletesTheAllocationWithALifetimeOfZero() throws {
        var link = TURNLink()
        link.allocate()
        link.client.close(now: link.now)
        link.pump()
        let refresh = try #require(link.sentRequests(.refresh).last?.message)
        #expect(refresh.lifetime == 0)
        try refresh.validateMessageIntegrity(key: Self.key)
        #expect(link.server.allocations.isEmpty)
        #expect(link.client.state == .closed)
        #expect(link.client.nextDeadline() == nil)
        #expect(link.failure == nil)
    }
}
