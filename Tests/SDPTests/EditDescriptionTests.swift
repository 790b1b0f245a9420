import SDP
import Testing
import Wire

/// Editing a parsed description changes only what is edited; everything else stays byte for byte.
@Suite struct EditDescriptionTests {
    @Test func answeringAChromiumOfferEditsInPlace() throws {
        let offer = try SessionDescription(parsing: Fixtures.text("chromium-offer-getusermedia-data.sdp"))
        var answer = offer
        answer.origin.sessionVersion += 1
        for index in answer.media.indices {
            answer.media[index].setup = .active
            answer.media[index].direction = answer.media[index].direction?.reversed
            answer.media[index].candidates = []
        }
        let before = offer.serialized().split(separator: "\r\n")
        let after = answer.serialized().split(separator: "\r\n")
        // Only the origin, setup and direction lines changed, in place; candidate lines went away.
        let kept = before.filter { !$0.hasPrefix("a=candidate:") }
        #expect(kept.count == after.count)
        for (old, new) in zip(kept, after) where old != new {
            #expect(old.hasPrefix("o=") || old.hasPrefix("a=setup:") || old.hasPrefix("a=send")
                    || old.hasPrefix("a=recv"), "\(old) -> \(new)")
        }
        #expect(try SessionDescription(parsing: answer.serialized()) == answer)
    }

    @Test func firefoxSessionLevelValuesAreVisible() throws {
        let offer = try SessionDescription(parsing: Fixtures.text("firefox-offer-getusermedia-data.sdp"))
        #expect(offer.direction == .sendrecv)
        #expect(offer.fingerprint?.isSHA256 == true)
        #expect(offer.iceOptions == ["trickle"])
        #expect(offer.msidSemantic == MsidSemantic(semantic: "WMS", identifiers: ["*"]))
        let audio = try #require(offer.media.first { $0.kind == .audio })
        #expect(audio.extensionMaps.contains { $0.direction == .recvonly })
        #expect(audio.candidates.allSatisfy { $0.isMDNS })
    }

    @Test func chromiumVideoHasRTXAndSSRCGroups() throws {
        let offer = try SessionDescription(parsing: Fixtures.text("chromium-offer-getusermedia-data.sdp"))
        let video = try #require(offer.media.first { $0.kind == .video })
        let group = try #require(video.ssrcGroups.first)
        #expect(group.semantics == "FID" && group.ssrcs.count == 2)
        #expect(Set(video.ssrcs) == Set(group.ssrcs))
        #expect(video.msids.count == 1)
        #expect(video.extensionMaps.contains { $0.uri == ExtensionMap.midURI })
        #expect(offer.extmapAllowMixed)
        #expect(offer.msidSemantic?.semantic == "WMS")
    }
}

/// Media-level values override session-level ones.
@Suite struct InheritedValueTests {
    @Test func firefoxSectionsInheritSessionValues() throws {
        let offer = try SessionDescription(parsing: Fixtures.text("firefox-offer-getusermedia-data.sdp"))
        for section in offer.media {
            #expect(offer.fingerprints(for: section).first?.isSHA256 == true)
            #expect(offer.iceOptions(for: section) == ["trickle"])
            #expect(offer.iceUfrag(for: section) != nil && offer.icePwd(for: section) != nil)
            #expect(offer.setup(for: section) == .actpass)
            #expect(offer.connection(for: section) != nil)
        }
    }

    @Test func directionDefaultsToSendrecv() throws {
        var description = SessionDescription(origin: Origin(sessionID: "1", sessionVersion: 1))
        var section = MediaDescription(kind: .audio, formats: ["0"])
        #expect(description.direction(for: section) == .sendrecv)
        description.direction = .recvonly
        #expect(description.direction(for: section) == .recvonly)
        section.direction = .inactive
        #expect(description.direction(for: section) == .inactive)
    }
}
