import SDP
import Testing

/// Broken input fails with a typed error that names the line and quotes it, and never traps.
@Suite struct ParsingErrorTests {
    static let head = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        var line: Int
        var reason: SDPError.Reason
        var testDescription: String { "\(reason)" }
    }

    static let cases: [Case] = [
        Case(text: "", line: 1, reason: .empty),
        Case(text: "\r\n\r\n", line: 1, reason: .empty),
        Case(text: "o=- 1 1 IN IP4 127.0.0.1\r\n", line: 1, reason: .missingVersion),
        Case(text: "v=1\r\n", line: 1, reason: .unsupportedVersion),
        Case(text: "v=0\r\na=group:BUNDLE 0\r\n", line: 2, reason: .missingOrigin),
        Case(text: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nt=0 0\r\n", line: 3, reason: .missingSessionName),
        Case(text: "V=0\r\n", line: 1, reason: .badLineType),
        Case(text: "1=0\r\n", line: 1, reason: .badLineType),
        Case(text: "=0\r\n", line: 1, reason: .badLineType),
        Case(text: "v0\r\n", line: 1, reason: .missingEquals),
        Case(text: "v\r\n", line: 1, reason: .missingEquals),
        Case(text: head + "a=x\r\n\r\na=y\r\n", line: 6, reason: .emptyLine),
        Case(text: head + "a=x\ry\r\n", line: 5, reason: .badCharacter),
        Case(text: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n", line: 4,
             reason: .missingTiming),
        Case(text: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\na=ice-lite\r\n", line: 4, reason: .missingTiming),
        Case(text: head + "o=- 1 1 IN IP4 127.0.0.1\r\n", line: 5, reason: .misplacedLine),
        Case(text: head + "m=audio 9 RTP/AVP 0\r\nt=0 0\r\n", line: 6, reason: .misplacedLine),
        Case(text: "v=0\r\no=- x 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", line: 2, reason: .badOrigin),
        Case(text: "v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nt=0 0\r\n", line: 2, reason: .badOrigin),
        Case(text: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0\r\n", line: 4, reason: .badTiming),
        Case(text: head + "c=IN IP4\r\n", line: 5, reason: .badConnection),
        Case(text: head + "b=AS\r\n", line: 5, reason: .badBandwidth),
        Case(text: head + "b=AS:x\r\n", line: 5, reason: .badBandwidth),
        Case(text: head + "a=group:BUNDLE 0\r\na=x\r\nm=video\r\n", line: 7, reason: .badMediaLine),
        Case(text: head + "m=video 9 RTP/AVP\r\n", line: 5, reason: .badMediaLine),
        Case(text: head + "m=video nine RTP/AVP 96\r\n", line: 5, reason: .badPort),
        Case(text: head + "m=video 70000 RTP/AVP 96\r\n", line: 5, reason: .badPort),
        Case(text: head + "m=video +9 RTP/AVP 96\r\n", line: 5, reason: .badPort),
        Case(text: head + "m=video 9/x RTP/AVP 96\r\n", line: 5, reason: .badPort),
        Case(text: head + "a=\r\n", line: 5, reason: .badAttribute),
        Case(text: head + "a=:x\r\n", line: 5, reason: .badAttribute),
        Case(text: head + "m=audio 9 RTP/AVP 111\r\na=rtpmap:111 opus\r\n", line: 6, reason: .badRTPMap),
        Case(text: head + "m=audio 9 RTP/AVP 111\r\na=rtpmap:111 opus/\r\n", line: 6, reason: .badRTPMap),
        Case(text: head + "m=audio 9 RTP/AVP 111\r\na=rtpmap:128 opus/48000\r\n", line: 6, reason: .badRTPMap),
        Case(text: head + "m=audio 9 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2/1\r\n", line: 6, reason: .badRTPMap),
        Case(text: head + "m=audio 9 RTP/AVP 111\r\na=fmtp:111\r\n", line: 6, reason: .badFormatParameters),
        Case(text: head + "m=audio 9 RTP/AVP 111\r\na=rtcp-fb:111\r\n", line: 6, reason: .badFeedback),
        Case(text: head + "m=audio 9 RTP/AVP 111\r\na=rtcp-fb:x nack\r\n", line: 6, reason: .badFeedback),
        Case(text: head + "a=extmap:0 urn:x\r\n", line: 5, reason: .badExtensionMap),
        Case(text: head + "a=extmap:1/up urn:x\r\n", line: 5, reason: .badExtensionMap),
        Case(text: head + "a=extmap:1\r\n", line: 5, reason: .badExtensionMap),
        Case(text: head + "a=ssrc:1\r\n", line: 5, reason: .badSSRC),
        Case(text: head + "a=ssrc:4294967296 cname:x\r\n", line: 5, reason: .badSSRC),
        Case(text: head + "a=ssrc-group:FID\r\n", line: 5, reason: .badSSRCGroup),
        Case(text: head + "a=group\r\n", line: 5, reason: .badGroup),
        Case(text: head + "a=msid:a b c\r\n", line: 5, reason: .badMSID),
        Case(text: head + "a=msid-semantic:\r\n", line: 5, reason: .badMsidSemantic),
        Case(text: head + "a=mid:a b\r\n", line: 5, reason: .badMid),
        Case(text: head + "a=fingerprint:sha-256 AB:CD:EG\r\n", line: 5, reason: .badFingerprint),
        Case(text: head + "a=fingerprint:sha-256 ABC:DE\r\n", line: 5, reason: .badFingerprint),
        Case(text: head + "a=fingerprint:sha-256 AB::CD\r\n", line: 5, reason: .badFingerprint),
        Case(text: head + "a=fingerprint:AB:CD\r\n", line: 5, reason: .badFingerprint),
        Case(text: head + "a=setup:server\r\n", line: 5, reason: .badSetup),
        Case(text: head + "a=candidate:1 1 udp 1 1.2.3.4 9 typ\r\n", line: 5, reason: .badCandidate),
        Case(text: head + "a=candidate:1 1 udp 1 1.2.3.4 9 type host\r\n", line: 5, reason: .badCandidate),
        Case(text: head + "a=candidate:1 1 udp 1 1.2.3.4 9 typ host generation\r\n", line: 5, reason: .badCandidate),
        Case(text: head + "a=candidate:1 1 udp 4294967296 1.2.3.4 9 typ host\r\n", line: 5, reason: .badCandidate),
        Case(text: head + "a=rtcp:x\r\n", line: 5, reason: .badRTCP),
        Case(text: head + "a=rtcp:9 IN IP4\r\n", line: 5, reason: .badRTCP),
        Case(text: head + "a=ice-pwd:\r\n", line: 5, reason: .badICECredential),
        Case(text: head + "a=ice-ufrag\r\n", line: 5, reason: .badICECredential),
        Case(text: head + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:-1\r\n", line: 6,
             reason: .badNumber),
    ]

    @Test(arguments: cases)
    func reportsLineAndReason(_ testCase: Case) {
        do {
            _ = try SessionDescription(parsing: testCase.text)
            Issue.record("parsed, expected \(testCase.reason)")
        } catch {
            #expect(error.reason == testCase.reason, "\(error)")
            #expect(error.line == testCase.line, "\(error)")
        }
    }

    @Test func messageNamesLineAndQuotesIt() {
        let text = Self.head + "a=group:BUNDLE 0\r\na=x\r\nm=video\r\n"
        #expect(throws: SDPError(line: 7, text: "m=video", reason: .badMediaLine)) {
            try SessionDescription(parsing: text)
        }
        let error = SDPError(line: 7, text: "m=video", reason: .badMediaLine)
        #expect(error.description == "line 7 \"m=video\": media line needs port, proto and formats")
        let long = SDPError(line: 1, text: String(repeating: "x", count: 200), reason: .badAttribute)
        #expect(long.description.count < 140)
    }

    @Test func fieldErrorsHaveNoLine() {
        #expect(throws: SDPError(text: "nonsense", reason: .badCandidate)) { try ICECandidate(parsing: "nonsense") }
        #expect(SDPError(text: "x", reason: .badSetup).description
                == "\"x\": setup must be active, passive, actpass or holdconn")
    }

    @Test func strangeButValidInputIsKept() throws {
        // LF endings, unknown line letters and attributes, a missing final line break: all accepted and kept.
        let text = "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=\nx=whatever\nt=0 0\na=unknown:1 2\na=flag\n"
            + "m=audio 0 RTP/AVP 0\ny=also\na=x-custom"
        let description = try SessionDescription(parsing: text)
        #expect(description.serialized() == text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
        #expect(description.sessionName == "")
        #expect(description.media[0].isRejected)
        #expect(description.media[0].codecs.map(\.name) == ["PCMU"])
        #expect(description.attributes(named: "unknown").first?.value == "1 2")
    }

    @Test func everyPrefixAndEveryByteFlipOfARealOfferIsHandled() throws {
        // Cheap exhaustive robustness check alongside the fuzzer: no truncation or single-byte corruption traps.
        let text = Self.head + "a=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
            + "a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ srflx raddr 10.0.0.1 rport 5000 generation 0\r\n"
            + "a=fingerprint:sha-256 AB:CD\r\na=rtpmap:111 opus/48000/2\r\na=extmap:1/sendonly urn:x\r\n"
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            _ = try? SessionDescription(parsing: String(decoding: bytes[..<cut], as: UTF8.self))
        }
        for index in bytes.indices {
            for replacement: UInt8 in [0x00, 0x0A, 0x0D, 0x20, 0x3A, 0x2F, 0xFF] {
                var copy = bytes
                copy[index] = replacement
                if let parsed = try? SessionDescription(parsing: String(decoding: copy, as: UTF8.self)) {
                    #expect(try SessionDescription(parsing: parsed.serialized()) == parsed)
                }
            }
        }
    }
}
