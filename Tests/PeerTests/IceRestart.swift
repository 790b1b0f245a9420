import ICE
import Peer
import Simulation
import Testing
import Wire

/// RFC 8445 §9 through whole peers: the path breaks mid-call, consent notices (disconnected), the offerer restarts
/// ICE with a new offer, the answerer restarts too, and media flows again over the new path with the same SSRCs
/// and SRTP keys; glare is settled by rollback.
@Suite struct IceRestart {
    /// The answerer "moves": its old address goes silent and it gains a new one (a new network), so only a restart
    /// with its new candidate can bring the call back.
    @Test func offererRestartsAfterThePathBreaksAndMediaResumes() throws {
        var call = try PeerCall()
        let connected = call.runUntilConnected()
        #expect(connected)
        try call.exchangeMedia(count: 5)
        let ssrcsBefore = call.offerer.peer.transceivers.map(\.localSSRC)
        let receivedBefore = call.answerer.received.values.map(\.count).reduce(0, +)

        // The answerer's old address stops working in both directions; it binds a new one.
        let moved = TransportAddress(ip: .v4(10, 0, 0, 3), port: 7000)
        call.loop.network.setConditions(NetworkConditions(loss: 1), from: PeerCall.answererAddress.ip,
                                        to: PeerCall.offererAddress.ip)
        call.loop.network.setConditions(NetworkConditions(loss: 1), from: PeerCall.offererAddress.ip,
                                        to: PeerCall.answererAddress.ip)
        call.loop.endpoints[1].addresses.append(moved)
        call.loop.endpoints[1].peer.addLocalHostCandidate(moved, now: call.loop.now)
        call.loop.endpoints[1].drain(now: call.loop.now)

        let disconnected = call.loop.run(for: .seconds(15)) { $0.endpoints[0].peer.connectionState == .disconnected }
        #expect(disconnected)
        let brokeAt = call.loop.now

        // The offerer restarts: new credentials in a new offer; the answerer answers with new ones too.
        let oldUfrag = call.offerer.peer.localICECredentials.ufrag
        let oldRemoteUfrag = call.answerer.peer.localICECredentials.ufrag
        let now = call.loop.now
        call.loop.endpoints[0].peer.restartICE(now: now)
        let offer = try call.loop.endpoints[0].peer.createOffer()
        try call.loop.endpoints[0].peer.setLocalDescription(offer, type: .offer, now: now)
        try call.loop.endpoints[1].peer.setRemoteDescription(offer, type: .offer, now: now)
        let answer = try call.loop.endpoints[1].peer.createAnswer()
        try call.loop.endpoints[1].peer.setLocalDescription(answer, type: .answer, now: now)
        try call.loop.endpoints[0].peer.setRemoteDescription(answer, type: .answer, now: now)
        call.loop.endpoints[0].drain(now: now)
        call.loop.endpoints[1].drain(now: now)
        #expect(call.offerer.peer.localICECredentials.ufrag != oldUfrag)
        #expect(call.answerer.peer.localICECredentials.ufrag != oldRemoteUfrag)
        #expect(answer.contains("a=setup:active"), "the answerer keeps its DTLS role")

        let recovered = call.loop.run(for: .seconds(10)) { loop in
            loop.endpoints.allSatisfy { $0.peer.connectionState == .connected }
                && loop.endpoints[0].peer.selectedPair?.remote.address == moved
        }
        #expect(recovered)
        #expect(call.loop.now - brokeAt < .seconds(1), "the new path is found within a few round trips")
        try call.exchangeMedia(count: 5)
        let receivedAfter = call.answerer.received.values.map(\.count).reduce(0, +)
        #expect(receivedAfter >= receivedBefore + 5 * call.offerer.peer.transceivers.count)
        #expect(call.offerer.peer.transceivers.map(\.localSSRC) == ssrcsBefore, "the call keeps its SSRCs")
        #expect(call.offerer.failure == nil && call.answerer.failure == nil)
    }

    @Test func glareIsSettledByTheCalleeRollingBack() throws {
        var call = try PeerCall()
        let connected = call.runUntilConnected()
        #expect(connected)
        let now = call.loop.now
        // Both sides offer at once.
        call.loop.endpoints[0].peer.restartICE(now: now)
        let callerOffer = try call.loop.endpoints[0].peer.createOffer()
        try call.loop.endpoints[0].peer.setLocalDescription(callerOffer, type: .offer, now: now)
        call.loop.endpoints[1].peer.restartICE(now: now)
        let calleeOffer = try call.loop.endpoints[1].peer.createOffer()
        try call.loop.endpoints[1].peer.setLocalDescription(calleeOffer, type: .offer, now: now)
        // The caller cannot take the callee's offer while its own is out.
        var refused = false
        do {
            try call.loop.endpoints[0].peer.setRemoteDescription(calleeOffer, type: .offer, now: now)
        } catch {
            refused = true
        }
        #expect(refused)
        // The callee rolls back and answers the caller's offer.
        try call.loop.endpoints[1].peer.rollback()
        try call.loop.endpoints[1].peer.setRemoteDescription(callerOffer, type: .offer, now: now)
        let answer = try call.loop.endpoints[1].peer.createAnswer()
        try call.loop.endpoints[1].peer.setLocalDescription(answer, type: .answer, now: now)
        try call.loop.endpoints[0].peer.setRemoteDescription(answer, type: .answer, now: now)
        call.loop.endpoints[0].drain(now: now)
        call.loop.endpoints[1].drain(now: now)
        let reconnected = call.runUntilConnected()
        #expect(reconnected)
        let completed = call.loop.run(for: .seconds(5)) { loop in
            loop.endpoints.allSatisfy { $0.peer.iceState == .completed || $0.peer.iceState == .connected }
        }
        #expect(completed)
        try call.exchangeMedia(count: 3)
        #expect(call.answerer.received.values.map(\.count).reduce(0, +) >= 3)
    }

    @Test func aNewCertificateMidCallIsRefusedWithASentence() throws {
        var call = try PeerCall()
        let connected = call.runUntilConnected()
        #expect(connected)
        let now = call.loop.now
        var stranger = try PeerEndpoint(seed: 99, address: TransportAddress(ip: .v4(10, 0, 0, 9), port: 9000))
        let strangerOffer = try stranger.peer.createOffer()
        var message = ""
        do {
            try call.loop.endpoints[1].peer.setRemoteDescription(strangerOffer, type: .offer, now: now)
        } catch {
            message = error.message
        }
        #expect(message.contains("DTLS certificate"), "got: \(message)")
    }
}
