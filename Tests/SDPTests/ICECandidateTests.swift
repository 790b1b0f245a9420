import SDP
import Testing
import Wire

/// `a=candidate` (RFC 8839 §5.1) in the forms real peers write.
@Suite struct ICECandidateTests {
    @Test func parsesAChromiumHostCandidateWithExtensions() throws {
        let text = "candidate:188496474 1 udp 2122063615 192.0.2.2 55103 typ host generation 0 network-id 1 "
            + "network-cost 50"
        let candidate = try ICECandidate(parsing: text)
        #expect(candidate.foundation == "188496474")
        #expect(candidate.component == 1)
        #expect(candidate.transport == "udp" && candidate.isUDP)
        #expect(candidate.priority == 2_122_063_615)
        #expect(candidate.address == "192.0.2.2")
        #expect(candidate.ipAddress == IPAddress("192.0.2.2"))
        #expect(candidate.transportAddress?.description == "192.0.2.2:55103")
        #expect(candidate.port == 55103)
        #expect(candidate.type == .host)
        #expect(candidate.generation == 0)
        #expect(candidate.extensions.map(\.name) == ["generation", "network-id", "network-cost"])
        #expect(candidate.candidateString == text)
    }

    @Test func keepsAnMDNSHostNameAndTCPType() throws {
        let text = "a=candidate:2 1 TCP 2105458943 ff03a5f0-b772-456f-9505-33bec63ec335.local 9 typ host tcptype active"
        let candidate = try ICECandidate(parsing: text)
        #expect(candidate.isMDNS)
        #expect(candidate.ipAddress == nil)
        #expect(candidate.address == "ff03a5f0-b772-456f-9505-33bec63ec335.local")
        #expect(candidate.tcpType == "active")
        #expect(!candidate.isUDP)
        #expect(candidate.line.text == text)
    }

    @Test func parsesRelatedAddressAndPort() throws {
        // RFC 8839 §5.1 example shape: a server reflexive candidate with its base.
        let candidate = try ICECandidate(parsing: "2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 10.0.1.1 "
                                         + "rport 8998 ufrag abcd")
        #expect(candidate.type == .serverReflexive)
        #expect(candidate.relatedAddress == "10.0.1.1")
        #expect(candidate.relatedPort == 8998)
        #expect(candidate.usernameFragment == "abcd")
        #expect(candidate.attributeValue == "2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 10.0.1.1 rport 8998 "
                + "ufrag abcd")
    }

    @Test func parsesIPv6AndRelayAndUnknownTypes() throws {
        let v6 = try ICECandidate(parsing: "1 1 udp 1 fd00::2 41265 typ host")
        #expect(v6.ipAddress?.isV6 == true)
        let relay = try ICECandidate(parsing: "3 1 udp 41885439 203.0.113.7 3478 typ relay raddr 0.0.0.0 rport 0")
        #expect(relay.type == .relay)
        let other = try ICECandidate(parsing: "3 1 udp 1 203.0.113.7 3478 typ future")
        #expect(other.type.rawValue == "future")
        #expect(try ICECandidate(parsing: other.attributeValue) == other)
    }

    @Test func editingExtensionsKeepsTheirOrder() throws {
        var candidate = try ICECandidate(parsing: "1 1 tcp 5 192.0.2.2 9 typ host generation 0 network-id 1")
        candidate.tcpType = "passive"
        candidate.setExtension("generation", to: "1")
        candidate.setExtension("network-id", to: nil)
        #expect(candidate.attributeValue == "1 1 tcp 5 192.0.2.2 9 typ host generation 1 tcptype passive")
    }

    @Test(arguments: [
        "", "candidate:", "1 1 udp 1 1.2.3.4 9 typ", "1 1 udp 1 1.2.3.4 9 host x", "1 x udp 1 1.2.3.4 9 typ host",
        "1 1 udp -1 1.2.3.4 9 typ host", "1 1 udp 1 1.2.3.4 65536 typ host", "1 1 udp 1 1.2.3.4 9 typ host rport x",
        "1 1 udp 1 1.2.3.4 9 typ host raddr 1.2.3.4 rport 9 dangling",
    ])
    func rejectsMalformedCandidates(text: String) {
        #expect(throws: SDPError(text: text, reason: .badCandidate)) { try ICECandidate(parsing: text) }
    }

    @Test func trickledCandidatesAppendBeforeEndOfCandidates() throws {
        var section = MediaDescription(kind: .audio, formats: ["0"])
        section.mid = "0"
        section.endOfCandidates = true
        let first = try ICECandidate(parsing: "1 1 udp 1 192.0.2.1 1000 typ host")
        let second = try ICECandidate(parsing: "2 1 udp 1 192.0.2.1 1001 typ host")
        section.addCandidate(first)
        section.addCandidate(second)
        #expect(section.lines.map(\.text) == ["m=audio 9 UDP/TLS/RTP/SAVPF 0", "a=mid:0",
                                              "a=candidate:1 1 udp 1 192.0.2.1 1000 typ host",
                                              "a=candidate:2 1 udp 1 192.0.2.1 1001 typ host",
                                              "a=end-of-candidates"])
        #expect(section.candidates == [first, second])
    }
}
