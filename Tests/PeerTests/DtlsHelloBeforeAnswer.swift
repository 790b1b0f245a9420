import Peer
import Simulation
import Testing
import Wire

/// The answerer's ICE checks succeed (the offerer answers checks with its own password) before the answer reaches
/// the offerer, so the answerer's ClientHello can arrive before the offerer has DTLS set up. It must be kept, not
/// lost to a one-second retransmission.
@Suite struct DtlsHelloBeforeAnswer {
    @Test func aClientHelloThatOvertakesTheAnswerIsKept() throws {
        var offerer = try PeerEndpoint(seed: 21, address: PeerCall.offererAddress)
        var answerer = try PeerEndpoint(seed: 22, address: PeerCall.answererAddress)
        let offer = try offerer.peer.createOffer()
        try offerer.peer.setLocalDescription(offer, type: .offer, now: .zero)
        try answerer.peer.setRemoteDescription(offer, type: .offer, now: .zero)
        let answer = try answerer.peer.createAnswer()
        try answerer.peer.setLocalDescription(answer, type: .answer, now: .zero)
        offerer.drain(now: .zero)
        answerer.drain(now: .zero)
        var loop = SimulationLoop(endpoints: [offerer, answerer], network: SimulatedNetwork(seed: 3))

        // Signaling is slow: the answer takes 300 ms to reach the offerer.
        loop.run(for: .milliseconds(300))
        #expect(loop.endpoints[1].peer.selectedPair != nil, "the answerer's checks already succeeded")
        let answerArrives = loop.now
        try loop.endpoints[0].peer.setRemoteDescription(answer, type: .answer, now: answerArrives)
        loop.endpoints[0].drain(now: answerArrives)
        let connected = loop.run(for: .seconds(5)) { $0.endpoints.allSatisfy { $0.peer.connectionState == .connected } }
        #expect(connected)
        // Far less than DTLS's first retransmission timeout (1 s).
        #expect(loop.now - answerArrives < .milliseconds(200))
    }
}
