import SDP
import Testing
import Wire

/// The typed attribute values on their own: parse, read, write back.
@Suite struct AttributeTests {
    @Test func rtpMapWithAndWithoutChannels() throws {
        let opus = try RTPMap(parsing: "111 opus/48000/2")
        #expect(opus.payloadType.rawValue == 111 && opus.encodingName == "opus" && opus.clockRate == 48000)
        #expect(opus.channels == 2)
        let vp8 = try RTPMap(parsing: "96 VP8/90000")
        #expect(vp8.channels == nil && vp8.attributeValue == "96 VP8/90000")
        #expect(throws: SDPError(text: "96 VP8", reason: .badRTPMap)) { try RTPMap(parsing: "96 VP8") }
    }

    @Test func formatParametersSplitIntoPairs() throws {
        let fmtp = try FormatParameters(
            parsing: "99 level-asymmetry-allowed=1;packetization-mode=1; profile-level-id=42001f")
        #expect(fmtp.payloadType?.rawValue == 99)
        #expect(fmtp.parameters.map(\.name) == ["level-asymmetry-allowed", "packetization-mode", "profile-level-id"])
        #expect(fmtp.value(of: "PROFILE-level-id") == "42001f")
        let events = try FormatParameters(parsing: "101 0-15")
        #expect(events.parameters == [.init(name: "0-15")])
        let built = FormatParameters(payloadType: PayloadType(rawValue: 97)!,
                                     parameters: [.init(name: "apt", value: "96")])
        #expect(built.attributeValue == "97 apt=96")
        let red = try FormatParameters(parsing: "63 111/111")
        #expect(red.parameterText == "111/111")
    }

    @Test func feedbackWithWildcard() throws {
        let any = try RTCPFeedback(parsing: "* ccm fir")
        #expect(any.payloadType == nil && any.mechanism == .fir)
        #expect(any.attributeValue == "* ccm fir")
        let pli = try RTCPFeedback(parsing: "96 nack pli")
        #expect(pli.mechanism == .pli && pli.payloadType?.rawValue == 96)
    }

    @Test func extensionMapWithDirectionAndAttributes() throws {
        let map = try ExtensionMap(parsing: "2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level vad=on")
        #expect(map.id == 2 && map.direction == .recvonly)
        #expect(map.uri == "urn:ietf:params:rtp-hdrext:csrc-audio-level")
        #expect(map.extensionAttributes == "vad=on")
        #expect(map.attributeValue == "2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level vad=on")
    }

    @Test func ssrcLinesAndGroups() throws {
        let msid = try SSRCAttribute(parsing: "3312860900 msid:- 139a05a6-f259-427e-a65b-1a86329353f8")
        #expect(msid.ssrc == SSRC(3_312_860_900) && msid.name == "msid")
        #expect(msid.value == "- 139a05a6-f259-427e-a65b-1a86329353f8")
        let bare = try SSRCAttribute(parsing: "1 label")
        #expect(bare.value == nil && bare.attributeValue == "1 label")
        let sim = try SSRCGroup(parsing: "SIM 1 2 3")
        #expect(sim.semantics == "SIM" && sim.ssrcs == [SSRC(1), SSRC(2), SSRC(3)])
    }

    @Test func fingerprintDecodesHexOfEitherCase() throws {
        let upper = try Fingerprint(parsing: "sha-256 AB:cd:01")
        #expect(upper.bytes == [0xAB, 0xCD, 0x01])
        #expect(upper.attributeValue == "sha-256 AB:CD:01")
        #expect(!upper.isSHA256)
        #expect(throws: SDPError.self) { try Fingerprint(parsing: "sha-256 ABCD") }
        #expect(throws: SDPError.self) { try Fingerprint(parsing: "sha-256 AB:C") }
        #expect(throws: SDPError.self) { try Fingerprint(parsing: "sha-256 AB:CD:") }
    }

    @Test func groupsMsidAndSemantics() throws {
        #expect(try MediaGroup(parsing: "BUNDLE 0 1").mids == ["0", "1"])
        #expect(try MediaGroup(parsing: "LS a b").isBundle == false)
        #expect(try MsidSemantic(parsing: " WMS").identifiers.isEmpty)
        #expect(try MsidSemantic(parsing: "WMS *").attributeValue == "WMS *")
        let msid = try MediaStreamID(parsing: "- track")
        #expect(msid.streamID == "-" && msid.trackID == "track")
        #expect(try MediaStreamID(parsing: "stream").trackID == nil)
    }

    @Test func setupRoleDirectionAndRTCP() throws {
        #expect(SetupRole.allCases.map(\.attributeValue) == ["active", "passive", "actpass", "holdconn"])
        #expect(MediaDirection.sendonly.reversed == .recvonly)
        #expect(MediaDirection.inactive.reversed == .inactive)
        #expect(MediaDirection(sends: true, receives: true) == .sendrecv)
        let rtcp = try RTCPAttribute(parsing: "9 IN IP4 0.0.0.0")
        #expect(rtcp.port == 9 && rtcp.connection?.address == "0.0.0.0")
        #expect(try RTCPAttribute(parsing: "53020").connection == nil)
    }

    @Test func fieldLines() throws {
        let origin = try Origin(parsing: "mozilla...THIS_IS_SDPARTA-99.0 7766573768196176927 0 IN IP4 0.0.0.0")
        #expect(origin.username == "mozilla...THIS_IS_SDPARTA-99.0" && origin.sessionVersion == 0)
        let media = try MediaLine(parsing: "video 49170/2 RTP/AVP 31")
        #expect(media.port == 49170 && media.portCount == 2 && media.fieldValue == "video 49170/2 RTP/AVP 31")
        #expect(try Bandwidth(parsing: "TIAS:64000").value == 64000)
        #expect(SDPType(rawValue: "answer") == .answer)
    }
}
