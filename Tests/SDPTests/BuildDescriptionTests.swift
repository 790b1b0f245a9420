import SDP
import Testing
import Wire

/// A description built from typed parts, in any order, serializes in the usual JSEP line order and parses back
/// to the same thing.
@Suite struct BuildDescriptionTests {
    static let fingerprintBytes = (0..<32).map { UInt8($0 * 7 & 0xFF) }

    static func pt(_ value: UInt8) -> PayloadType { PayloadType(rawValue: value)! }

    /// Sets the media attributes deliberately out of order: the model puts each line in its place.
    static func videoSection() -> MediaDescription {
        var video = MediaDescription(kind: .video)
        video.candidates = [ICECandidate(foundation: "1", priority: 2_122_260_223, address: "192.0.2.1",
                                         port: 50000, type: .host, extensions: [.init(name: "generation",
                                                                                      value: "0")])]
        video.ssrcAttributes = [SSRCAttribute(ssrc: SSRC(1111), name: "cname", value: "linkup"),
                                SSRCAttribute(ssrc: SSRC(2222), name: "cname", value: "linkup")]
        video.ssrcGroups = [.fid(media: SSRC(1111), retransmission: SSRC(2222))]
        video.codecs = [.vp8(pt(96)), .rtx(pt(97), associated: pt(96))]
        video.rtcpReducedSize = true
        video.rtcpMux = true
        video.msids = [MediaStreamID(streamID: "stream", trackID: "camera")]
        video.direction = .sendrecv
        video.extensionMaps = [ExtensionMap(id: 4, uri: ExtensionMap.midURI),
                               ExtensionMap(id: 3, uri: ExtensionMap.transportCCURI)]
        video.mid = "1"
        video.setup = .actpass
        video.fingerprint = .sha256(fingerprintBytes)
        video.iceOptions = ["trickle"]
        video.icePwd = "0123456789abcdefghijkl"
        video.iceUfrag = "abcd"
        video.rtcp = RTCPAttribute(port: 9, connection: ConnectionData())
        video.connection = ConnectionData()
        video.endOfCandidates = true
        return video
    }

    static func offer() -> SessionDescription {
        var offer = SessionDescription(origin: Origin(sessionID: "4611731400430051336", sessionVersion: 2))
        var audio = MediaDescription(kind: .audio)
        audio.codecs = [.opus(pt(111))]
        audio.rtcpMux = true
        audio.direction = .sendonly
        audio.mid = "0"
        audio.connection = ConnectionData()
        audio.setup = .actpass
        audio.fingerprint = .sha256(fingerprintBytes)
        audio.iceUfrag = "abcd"
        audio.icePwd = "0123456789abcdefghijkl"
        offer.media = [audio, videoSection(), .dataChannel()]
        offer.media[2].mid = "2"
        offer.msidSemantic = MsidSemantic()
        offer.bundleGroup = .bundle(["0", "1", "2"])
        return offer
    }

    static let fingerprintLine = "a=fingerprint:sha-256 00:07:0E:15:1C:23:2A:31:38:3F:46:4D:54:5B:62:69:70:77:7E:85:"
        + "8C:93:9A:A1:A8:AF:B6:BD:C4:CB:D2:D9"

    static let expected = """
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1 2
        a=msid-semantic:WMS *
        m=audio 9 UDP/TLS/RTP/SAVPF 111
        c=IN IP4 0.0.0.0
        a=ice-ufrag:abcd
        a=ice-pwd:0123456789abcdefghijkl
        \(fingerprintLine)
        a=setup:actpass
        a=mid:0
        a=sendonly
        a=rtcp-mux
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        m=video 9 UDP/TLS/RTP/SAVPF 96 97
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:abcd
        a=ice-pwd:0123456789abcdefghijkl
        a=ice-options:trickle
        \(fingerprintLine)
        a=setup:actpass
        a=mid:1
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=sendrecv
        a=msid:stream camera
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 transport-cc
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=ssrc-group:FID 1111 2222
        a=ssrc:1111 cname:linkup
        a=ssrc:2222 cname:linkup
        a=candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host generation 0
        a=end-of-candidates
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel
        a=mid:2
        a=sctp-port:5000
        a=max-message-size:262144

        """.replacingOccurrences(of: "\n", with: "\r\n")

    @Test func buildsAnOfferInTheUsualOrder() {
        #expect(Self.offer().serialized() == Self.expected)
    }

    @Test func builtOfferParsesBackEqual() throws {
        let offer = Self.offer()
        let parsed = try SessionDescription(parsing: offer.serialized())
        #expect(parsed == offer)
        #expect(parsed.bundleGroup?.mids == ["0", "1", "2"])
        let video = try #require(parsed.media(withMid: "1"))
        #expect(video.codecs == [.vp8(Self.pt(96)), .rtx(Self.pt(97), associated: Self.pt(96))])
        #expect(video.codecs[1].associatedPayloadType == Self.pt(96))
        #expect(video.ssrcs == [SSRC(1111), SSRC(2222)])
        #expect(video.fingerprint?.bytes == Self.fingerprintBytes)
        #expect(video.direction == .sendrecv)
        #expect(parsed.media[0].direction == .sendonly)
        #expect(parsed.media[2].sctpPort == 5000 && parsed.media[2].maxMessageSize == 262_144)
    }

    @Test func settingAValueTwiceReplacesIt() {
        var section = Self.videoSection()
        section.setup = .active
        section.mid = "video"
        section.direction = .recvonly
        section.rtcpMux = false
        section.codecs = [.vp8(Self.pt(100))]
        #expect(section.setup == .active)
        #expect(section.attributes(named: "setup").count == 1)
        #expect(section.mid == "video")
        #expect(section.direction == .recvonly)
        #expect(!section.rtcpMux)
        #expect(section.formats == ["100"])
        #expect(section.rtpMaps.count == 1 && section.formatParameters.isEmpty)
        section.setup = nil
        #expect(section.setup == nil && !section.hasAttribute("setup"))
    }

    @Test func sessionLevelPropertiesGoInOrder() throws {
        var description = SessionDescription(origin: Origin(sessionID: "1", sessionVersion: 1))
        description.fingerprint = .sha256([1, 2])
        description.iceLite = true
        description.extmapAllowMixed = true
        description.bundleGroup = .bundle(["a"])
        description.connection = ConnectionData()
        description.information = "a call"
        description.bandwidths = [Bandwidth(type: "AS", value: 100)]
        description.setup = .passive
        description.iceOptions = ["trickle", "renomination"]
        try description.addAttribute(SDPAttribute(name: "x-custom", value: "1"))
        description.origin.sessionVersion += 1
        #expect(description.lines.map(\.text) == [
            "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "i=a call", "c=IN IP4 0.0.0.0", "b=AS:100", "t=0 0",
            "a=group:BUNDLE a", "a=extmap-allow-mixed", "a=ice-lite", "a=ice-options:trickle renomination",
            "a=fingerprint:sha-256 01:02", "a=setup:passive", "a=x-custom:1",
        ])
        #expect(description.iceOptions == ["trickle", "renomination"])
        #expect(try SessionDescription(parsing: description.serialized()) == description)
    }

    @Test func addAttributeChecksKnownAttributesAndLineBreaks() throws {
        var section = MediaDescription(kind: .audio, formats: ["0"])
        #expect(throws: SDPError(text: "server", reason: .badSetup)) {
            try section.addAttribute(SDPAttribute(name: "setup", value: "server"))
        }
        // SDP has no escaping: a line break in a value would inject a line, so it becomes a space.
        #expect(throws: SDPError.self) { try section.addAttribute(SDPAttribute(name: "mid", value: "0\r\na=x")) }
        section.iceUfrag = "evil\r\na=setup:active"
        #expect(section.lines.count == 2)
        #expect(section.lines[1].text == "a=ice-ufrag:evil  a=setup:active")
        try section.addAttribute(SDPAttribute(name: "x-google-flag", value: "conference"))
        #expect(section.attributeValue("x-google-flag") == "conference")
        section.removeAttributes(named: "x-google-flag")
        #expect(!section.hasAttribute("x-google-flag"))
    }
}

/// Rewriting the codecs of a parsed section.
@Suite struct CodecEditTests {
    @Test func wildcardFeedbackSurvivesACodecRewrite() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 RTP/AVPF 96 97\r\n"
            + "a=rtcp-fb:* ccm fir\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtpmap:97 VP9/90000\r\n"
        var description = try SessionDescription(parsing: text)
        let vp8 = try #require(description.media[0].codecs.first)
        #expect(vp8.feedback == [.nack])
        description.media[0].codecs = [vp8]
        #expect(description.media[0].lines.map(\.text) == [
            "m=video 9 RTP/AVPF 96", "a=rtcp-fb:* ccm fir", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack",
        ])
    }
}
