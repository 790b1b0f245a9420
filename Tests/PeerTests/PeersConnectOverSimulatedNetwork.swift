import ICE
import Peer
import Simulation
import Testing
import Wire

/// Two LinkUp peers negotiate by offer/answer and connect through ICE, DTLS and SRTP on a virtual clock.
@Suite struct PeersConnectOverSimulatedNetwork {
    @Test func cleanPathConnectsAndCarriesRTPBothWays() throws {
        var call = try PeerCall()
        let connected = call.runUntilConnected()
        #expect(connected)
        #expect(call.offerer.peer.transceivers.map(\.kind.rawValue) == ["audio", "video"])
        #expect(call.answerer.peer.transceivers.map(\.mid) == call.offerer.peer.transceivers.map(\.mid))
        try call.exchangeMedia(count: 50)
        for side in [call.offerer, call.answerer] {
            for transceiver in side.peer.transceivers {
                #expect(side.received[transceiver.mid]?.count == 50, "\(transceiver.mid) received")
            }
            #expect(side.peer.droppedPackets == 0)
        }
        // What arrived is what the other side sent.
        let firstAudio = try #require(call.answerer.received["0"]?.first)
        #expect(Array(firstAudio.payload.prefix(2)) == [0, 0])
        #expect(firstAudio.ssrc == call.offerer.peer.transceivers[0].localSSRC)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func twentyPercentLossWithReorderingStillConnects(seed: UInt64) throws {
        let lossy = NetworkConditions(loss: 0.2, delay: .milliseconds(15), jitter: .milliseconds(25))
        var call = try PeerCall(seed: seed, conditions: lossy)
        let connected = call.runUntilConnected(timeout: .seconds(60))
        #expect(connected)
        try call.exchangeMedia(count: 100)
        #expect(call.loop.network.dropped > 0)
        // With 20% loss roughly 80 of 100 arrive; none is rejected by SRTP.
        let arrived = call.answerer.received["1"]?.count ?? 0
        #expect(arrived > 60 && arrived < 95)
        #expect(call.answerer.peer.droppedPackets == 0)
    }
}
