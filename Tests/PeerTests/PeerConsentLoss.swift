import ICE
import Peer
import Simulation
import Testing
import Wire

/// RFC 7675 through the whole peer: when the remote goes silent, the peer fails with an ICE error about consent.
@Suite struct PeerConsentLoss {
    @Test func silentRemoteFailsThePeerAfterThirtySeconds() throws {
        var call = try PeerCall()
        let connected = call.runUntilConnected()
        #expect(connected)
        call.loop.network.setConditions(NetworkConditions(loss: 1), from: PeerCall.answererAddress.ip,
                                        to: PeerCall.offererAddress.ip)
        let start = call.loop.now
        let failed = call.loop.run(for: .seconds(45)) { $0.endpoints[0].peer.connectionState == .failed }
        #expect(failed)
        #expect(call.loop.now - start <= .seconds(31))
        let error = try #require(call.offerer.failure)
        #expect(error.code == .iceFailed)
        #expect(error.message.contains("consent"))
    }
}
