import ICE
import Testing
import Wire

/// `TURNClient` when the server refuses, goes silent, restarts, or is reached over TCP (RFC 8656, RFC 8489 §6.2).
@Suite struct TURNClientFailureTests {
    /// RFC 8656 §7.4 and §18: each error ends the allocation with its own code and a sentence a user can act on.
    @Test(arguments: [
        (403, TURNError.Code.forbidden, "policy forbids"),
        (441, .wrongCredentials, "credentials differ"),
        (442, .unsupportedTransport, "does not relay UDP"),
        (486, .quotaReached, "as many allocations as the server allows"),
        (508, .insufficientCapacity, "no relay addresses left"),
        (300, .tryAlternate, "redirects to another server"),
        (500, .other, "500 Server Error"),
    ])
    func allocateErrorEndsTheAllocationWithASentence(code: Int, expected: TURNError.Code, phrase: String) throws {
        var link = TURNLink()
        link.server.failNext(.allocate, with: code)
        link.allocate()
        let failure = try #require(link.failure)
        #expect(failure.error.code == expected)
        #expect(failure.error.stunCode == code)
        #expect(failure.error.message.contains("TURN server turn.test answered Allocate with \(code)"))
        #expect(failure.error.message.contains(phrase))
        #expect(link.client.state == .failed)
        #expect(link.client.failure == failure.error)
        #expect(link.client.nextDeadline() == nil)
        #expect(link.allocations.isEmpty)
    }

    @Test func wrongPasswordIsReportedAfterASecondChallengeWithTheSameNonce() throws {
        var link = TURNLink(password: "not-the-secret")
        link.allocate()
        let failure = try #require(link.failure)
        #expect(failure.error.code == .unauthorized)
        #expect(failure.error.stunCode == 401)
        #expect(failure.error.message.contains("the username or password is wrong"))
        // Exactly one retry: the second 401 carries the nonce the client already answered with.
        let challenges = try link.fromServer.map { try STUNMessage(parsing: $0) }
        #expect(challenges.map { $0.errorCode?.code } == [401, 401])
        #expect(challenges.map(\.nonce) == ["nonce-0", "nonce-0"])
        #expect(link.sentRequests(.allocate).count == 2)
    }

    /// RFC 8489 §6.2.1: over UDP a request goes out Rc = 7 times, the RTO doubling from 500 ms, and the client gives
    /// up Rm × RTO = 8 s after the last one: 39.5 s in all.
    @Test func silentServerIsUnreachableAfterSevenTransmissionsAnd39Point5Seconds() throws {
        var link = TURNLink()
        link.server.silent = true
        link.allocate()
        link.advance(by: .seconds(60))
        let times = link.sent.map { $0.at - Instant.zero }
        #expect(times == [Duration.zero, .milliseconds(500), .milliseconds(1500), .milliseconds(3500),
                          .milliseconds(7500), .milliseconds(15_500), .milliseconds(31_500)])
        #expect(Set(link.sent.map(\.bytes)).count == 1)
        let failure = try #require(link.failure)
        #expect(failure.at == .zero + .milliseconds(39_500))
        #expect(failure.error.code == .serverUnreachable)
        #expect(failure.error.message.contains("did not answer Allocate (udp, 7 transmission(s))"))
    }

    @Test func serverRestartMidCallIsRepairedByANewAllocation() throws {
        var link = TURNLink()
        link.allocate()
        let first = try #require(link.client.relayedAddress)
        let answeredBefore = link.fromServer.count
        link.server.restart()
        link.advance(by: .seconds(541))
        // The Refresh meets the new nonce (438), then the lost allocation (437), and a new Allocate succeeds (after a
        // fresh 401 challenge, if the client starts its credentials over).
        let answers = try link.fromServer[answeredBefore...].map { try STUNMessage(parsing: $0) }
            .map { "\($0.type.method) \($0.errorCode?.code ?? 200)" }
        #expect(answers.prefix(2) == ["Refresh 438", "Refresh 437"])
        #expect(answers.last == "Allocate 200")
        #expect(link.failure == nil)
        #expect(link.client.state == .allocated)
        #expect(link.allocations.count == 2)
        let second = try #require(link.client.relayedAddress)
        #expect(second != first)
        #expect(link.allocations.last == second)
        #expect(link.server.allocations[TURNLink.clientAddress]?.relayed == second)
    }

    @Test func restartLosesChannelsAndTheClientBindsThemAgain() throws {
        var link = TURNLink()
        link.allocate()
        link.client.send([1], to: TURNLink.peer, now: link.now)
        link.pump()
        link.server.restart()
        // The permission refresh at 240 s is the first request to meet the restarted server.
        link.advance(by: .seconds(241))
        #expect(link.failure == nil)
        #expect(link.allocations.count == 2)
        let relayed = try #require(link.client.relayedAddress)
        let allocation = try #require(link.server.allocations[TURNLink.clientAddress])
        #expect(allocation.channel(to: TURNLink.peer) != nil)
        link.client.send([2], to: TURNLink.peer, now: link.now)
        link.pump()
        #expect(link.toPeers.last == Datagram(local: relayed, remote: TURNLink.peer, payload: [2]))
        link.peerSends([3])
        #expect(link.received.last?.payload == [3])
    }

    @Test func aRefusedChannelFailsOnlyThatPeer() throws {
        var link = TURNLink()
        link.allocate()
        link.server.failNext(.channelBind, with: 403)
        link.client.send([1], to: TURNLink.peer, now: link.now)
        link.pump()
        let refusal = link.events.compactMap { entry -> (IPAddress, TURNError)? in
            if case let .permissionFailed(peer, error) = entry.event { (peer, error) } else { nil }
        }
        #expect(refusal.map(\.0) == [TURNLink.peer.ip])
        #expect(refusal.first?.1.code == .forbidden)
        #expect(link.toPeers.isEmpty)
        #expect(link.client.state == .allocated)
        // The next datagram tries again with a new channel.
        link.client.send([2], to: TURNLink.peer, now: link.now)
        link.pump()
        #expect(link.toPeers.map(\.payload) == [[2]])
    }

    /// A server that keeps answering 438 cannot keep the client retrying forever: three retries, then it gives up.
    @Test func endlessStaleNoncesEndTheAllocation() throws {
        var link = TURNLink()
        link.allocate()
        link.server.failNext(.refresh, with: 438, times: 10)
        link.advance(by: .seconds(541))
        #expect(link.sentRequests(.refresh).count == 4)
        let failure = try #require(link.failure)
        #expect(failure.error.stunCode == 438)
        #expect(failure.error.message.contains("answered Refresh with 438 Stale Nonce"))
    }

    /// RFC 8489 §9.2.5: a 438 may come with a new realm; the key is derived from the realm, so it must change too.
    @Test func staleNonceWithANewRealmIsAnsweredWithTheNewRealmsKey() throws {
        var link = TURNLink()
        link.allocate()
        link.server.realm = "elsewhere.test"
        link.server.rotateNonce()
        link.advance(by: .seconds(541))
        #expect(link.failure == nil)
        let retry = try #require(link.sentRequests(.refresh).last?.message)
        #expect(retry.realm == "elsewhere.test")
        try retry.validateMessageIntegrity(key: .longTerm(username: "alice", realm: "elsewhere.test",
                                                          password: "secret"))
        #expect(link.client.state == .allocated)
    }

    // MARK: Over TCP

    /// RFC 8489 §6.2.2: over a stream a request is sent once and times out after Ti = 39.5 s.
    @Test func overTCPARequestIsSentOnceAndTimesOutAfterTi() throws {
        var link = TURNLink(transport: .tcp)
        link.server.silent = true
        link.allocate()
        link.advance(by: .seconds(60))
        #expect(link.sent.count == 1)
        let failure = try #require(link.failure)
        #expect(failure.at == .zero + .milliseconds(39_500))
        #expect(failure.error.code == .serverUnreachable)
        #expect(failure.error.message.contains("(tcp, 1 transmission(s))"))
    }

    /// RFC 8656 §12.5: over TCP every ChannelData message is padded to a multiple of four bytes, both ways.
    @Test func overTCPChannelDataIsPaddedBothWays() throws {
        var link = TURNLink(transport: .tcp)
        link.allocate()
        #expect(link.client.state == .allocated)
        link.client.send([1, 2, 3, 4, 5], to: TURNLink.peer, now: link.now)
        link.pump()
        link.client.send([6], to: TURNLink.peer, now: link.now)
        link.pump()
        #expect(link.sentChannelData == [[0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5, 0, 0, 0],
                                         [0x40, 0x00, 0x00, 0x01, 6, 0, 0, 0]])
        #expect(link.toPeers.map(\.payload) == [[1, 2, 3, 4, 5], [6]])
        link.peerSends([9, 8, 7])
        #expect(link.received.last?.payload == [9, 8, 7])
        // The server padded it; the framer took the padding off.
        #expect(link.fromServer.last == [0x40, 0x00, 0x00, 0x03, 9, 8, 7])
    }
}
