import Peer
import SDP
import Testing
import Wire

/// Offer/answer misuse and unusable descriptions give clear errors, and change nothing.
@Suite struct PeerNegotiationErrors {
    @Test func answerWithoutOfferIsAStateError() throws {
        var peer = try Peer(random: SeededGenerator(seed: 1))
        #expect(throws: PeerError.self) { _ = try peer.createAnswer() }
        let other = try Peer(random: SeededGenerator(seed: 2))
        _ = other
        do {
            try peer.setRemoteDescription("v=0\r\n", type: .answer, now: .zero)
            Issue.record("an answer in state stable must be refused")
        } catch {
            #expect(error.code == .invalidState || error.code == .invalidDescription)
        }
        #expect(peer.signalingState == .stable)
    }

    @Test func garbageSDPNamesTheProblem() throws {
        var peer = try Peer(random: SeededGenerator(seed: 1))
        do {
            try peer.setRemoteDescription("hello", type: .offer, now: .zero)
            Issue.record("garbage must be refused")
        } catch {
            #expect(error.code == .invalidDescription)
            #expect(error.message.contains("line 1"))
        }
    }

    @Test func offerWithoutCommonCodecIsIncompatible() throws {
        var offerer = try Peer(random: SeededGenerator(seed: 3))
        let offer = try offerer.createOffer()
            .replacingAll("opus/48000/2", with: "G722/8000").replacingAll("VP8/90000", with: "H264/90000")
        var answerer = try Peer(random: SeededGenerator(seed: 4))
        do {
            try answerer.setRemoteDescription(offer, type: .offer, now: .zero)
            Issue.record("no common codec must be refused")
        } catch {
            #expect(error.code == .incompatible)
        }
    }

    @Test func realOffersFromOtherStacksAreAnswered() throws {
        for name in ["aiortc-offer-audio-video.sdp", "chromium-offer-getusermedia-data.sdp",
                     "firefox-offer-getusermedia-data.sdp"] {
            let text = try Fixtures.sdp(name)
            var peer = try Peer(random: SeededGenerator(seed: 5))
            peer.addLocalHostCandidate(TransportAddress(ip: .v4(127, 0, 0, 1), port: 4000), now: .zero)
            try peer.setRemoteDescription(text, type: .offer, now: .zero)
            let answer = try SessionDescription(parsing: try peer.createAnswer())
            let offer = try SessionDescription(parsing: text)
            #expect(answer.media.count == offer.media.count, "\(name): one answer section per offered section")
            for (offered, answered) in zip(offer.media, answer.media) {
                #expect(offered.mid == answered.mid)
                if offered.kind == .application {
                    // Data channels are answered (RFC 8841): our port, sctp-port and message size.
                    #expect(answered.port != 0 && answered.sctpPort == 5000, "\(name): data channel accepted")
                    #expect(answered.maxMessageSize == 262_144)
                }
                if offered.kind == .audio {
                    #expect(answered.codecs.contains { $0.isNamed("opus") })
                    #expect(answered.setup == .active)
                }
                if offered.kind == .video { #expect(answered.codecs.first?.isNamed("VP8") == true) }
            }
            #expect(answer.bundleGroup?.mids.count == offer.media.count)
        }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

enum Fixtures {
    static func sdp(_ name: String) throws -> String {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        let file = path + "/fixtures/sdp/" + name
        guard let handle = fopen(file, "rb") else { throw FixtureError.missing(file) }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    enum FixtureError: Error { case missing(String) }
}

#if canImport(Glibc)
import Glibc
#endif
