import Peer
import Simulation
import Testing
import Wire

/// The remote certificate must match the fingerprint its SDP announced; otherwise the peer fails and names both.
@Suite struct DtlsFingerprintMismatch {
    @Test func aForgedFingerprintFailsTheConnection() throws {
        var forged = ""
        var call = try PeerCall { answer in
            // Replace the answerer's fingerprint with another valid-looking one.
            let lines = answer.split(separator: "\r\n", omittingEmptySubsequences: false).map { line -> String in
                guard line.hasPrefix("a=fingerprint:sha-256 ") else { return String(line) }
                forged = "a=fingerprint:sha-256 " + Array(repeating: "AB", count: 32).joined(separator: ":")
                return forged
            }
            return lines.joined(separator: "\r\n")
        }
        #expect(!forged.isEmpty)
        call.loop.run(for: .seconds(20)) { $0.endpoints[0].peer.connectionState == .failed }
        #expect(call.offerer.peer.connectionState == .failed)
        let error = try #require(call.offerer.failure)
        #expect(error.code == .dtlsFailed)
        #expect(error.description.contains("AB:AB:AB"))
        #expect(call.offerer.peer.connectionState != .connected)
    }
}
