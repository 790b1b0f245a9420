import Peer
import Simulation
import Testing
import Wire

/// DTLS bound to ICE: a handshake that cannot complete (here a path that carries ICE's STUN but no DTLS) ends the
/// peer with a sentence 15 s after ICE found the path, instead of leaving the call hanging.
@Suite struct DtlsHandshakeDeadline {
    @Test func aHandshakeThatNeverCompletesFailsAfterFifteenSeconds() throws {
        var call = try PeerCall()
        call.loop.endpoints[0].dropsDTLS = true
        let paired = call.loop.run(for: .seconds(5)) { $0.endpoints[0].peer.selectedPair != nil }
        #expect(paired)
        let pairedAt = call.loop.now
        let failed = call.loop.run(for: .seconds(30)) { $0.endpoints[0].peer.connectionState == .failed }
        #expect(failed)
        let elapsed = call.loop.now - pairedAt
        #expect(elapsed >= .seconds(14) && elapsed <= .seconds(16), "failed after \(elapsed)")
        let error = try #require(call.offerer.failure)
        #expect(error.code == .dtlsFailed)
        #expect(error.message.contains("did not complete within 15"))
    }
}
