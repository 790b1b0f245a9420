import Foundation
import SDP
import Testing
import Wire

/// Every description captured from a real peer (aiortc, Chromium, Firefox) parses, serializes back to the same
/// text (after making line endings CRLF, which RFC 8866 §5 requires and which aiortc, Chromium and Firefox all
/// write anyway) and reads sensibly through the typed model.
@Suite struct CapturedFixtureTests {
    @Test func thereAreFixturesFromEveryPeer() {
        for peer in ["aiortc-offer", "aiortc-answer", "chromium-offer", "chromium-answer", "firefox-offer",
                     "firefox-answer"] {
            #expect(Fixtures.captured.contains { $0.hasPrefix(peer) }, "no \(peer) fixture")
        }
    }

    @Test(arguments: Fixtures.captured)
    func roundTripsByteForByte(name: String) throws {
        let text = try Fixtures.text(name)
        let description = try SessionDescription(parsing: text)
        #expect(description.serialized() == Fixtures.normalized(text))
        #expect(try SessionDescription(parsing: description.serialized()) == description)
    }

    @Test(arguments: Fixtures.captured)
    func bundleGroupNamesTheMediaSections(name: String) throws {
        let description = try SessionDescription(parsing: Fixtures.text(name))
        let bundle = try #require(description.bundleGroup)
        let accepted = description.media.filter { !$0.isRejected }.compactMap(\.mid)
        #expect(!accepted.isEmpty)
        #expect(Set(bundle.mids) == Set(accepted))
        #expect(description.mids.count == description.media.count)
        #expect(description.version == 0)
        #expect(description.timing == Timing(start: 0, stop: 0))
    }

    @Test(arguments: Fixtures.captured)
    func everySectionHasASHA256Fingerprint(name: String) throws {
        let description = try SessionDescription(parsing: Fixtures.text(name))
        for section in description.media where !section.isRejected {
            let fingerprint = try #require(section.fingerprint ?? description.fingerprint)
            #expect(fingerprint.isSHA256)
            #expect(fingerprint.bytes.count == 32)
            #expect(section.setup ?? description.setup != nil)
            #expect(section.iceUfrag ?? description.iceUfrag != nil)
            #expect(section.icePwd ?? description.icePwd != nil)
        }
    }

    @Test(arguments: Fixtures.captured)
    func offersOpusAndVP8(name: String) throws {
        let description = try SessionDescription(parsing: Fixtures.text(name))
        for section in description.media where !section.isRejected {
            let codecs = section.codecs
            switch section.kind {
            case .audio:
                let opus = try #require(codecs.first { $0.isNamed("opus") })
                #expect(opus.clockRate == 48000 && opus.channels == 2)
                #expect(section.rtcpMux)
            case .video:
                let vp8 = try #require(codecs.first { $0.isNamed("VP8") })
                #expect(vp8.clockRate == 90000)
                #expect(vp8.feedback.contains(.pli))
                for rtx in codecs where rtx.isNamed("rtx") {
                    let associated = try #require(rtx.associatedPayloadType)
                    #expect(codecs.contains { $0.payloadType == associated })
                }
            case .application:
                #expect(section.formats == ["webrtc-datachannel"])
                #expect(section.sctpPort == 5000)
            default:
                Issue.record("unexpected media kind \(section.kind)")
            }
            // Every payload type on the m= line with an rtpmap shows up as a codec.
            #expect(codecs.count == Set(section.rtpMaps.map(\.payloadType)).count)
        }
    }

    @Test(arguments: Fixtures.captured)
    func candidatesParseAndRoundTrip(name: String) throws {
        let description = try SessionDescription(parsing: Fixtures.text(name))
        for section in description.media {
            let lines = section.attributes(named: "candidate")
            #expect(section.candidates.count == lines.count)
            for (candidate, attribute) in zip(section.candidates, lines) {
                #expect(candidate.attributeValue == attribute.value)
                #expect(try ICECandidate(parsing: candidate.candidateString) == candidate)
                #expect(candidate.type == .host)
                #expect(candidate.ipAddress != nil || candidate.isMDNS)
                #expect(candidate.isUDP || candidate.tcpType == "active")
            }
        }
    }

    @Test(arguments: Fixtures.captured)
    func typedValuesRewriteToTheirOwnText(name: String) throws {
        // The peers here write canonical attributes, so the typed view writes back exactly the same lines.
        let description = try SessionDescription(parsing: Fixtures.text(name))
        for section in description.media {
            #expect(section.rtpMaps.map(\.line) == section.lines.filter { $0.attributeName == "rtpmap" })
            #expect(section.extensionMaps.map(\.line) == section.lines.filter { $0.attributeName == "extmap" })
            #expect(section.ssrcAttributes.map(\.line) == section.lines.filter { $0.attributeName == "ssrc" })
            #expect(section.ssrcGroups.map(\.line) == section.lines.filter { $0.attributeName == "ssrc-group" })
            #expect(section.fingerprints.map(\.line) == section.lines.filter { $0.attributeName == "fingerprint" })
            #expect(section.mediaLine.line == section.lines[0])
        }
        #expect(description.origin.line == description.lines[1])
    }

    @Test(arguments: Fixtures.captured)
    func rebuildingCodecsKeepsTheText(name: String) throws {
        // Setting the codecs a section already has rewrites its codec lines in browser order; for Chromium,
        // whose layout is the one the model writes, the text does not change at all.
        var description = try SessionDescription(parsing: Fixtures.text(name))
        let before = description.serialized()
        for index in description.media.indices where description.media[index].kind != .application {
            let codecs = description.media[index].codecs
            description.media[index].codecs = codecs
            #expect(description.media[index].codecs == codecs)
        }
        if name.hasPrefix("chromium-") {
            #expect(description.serialized() == before)
        }
        #expect(try SessionDescription(parsing: description.serialized()) == description)
    }
}
