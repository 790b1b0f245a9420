import Foundation
import Peer
import SCTP
import SDP
import Simulation
import Testing
import Wire

/// Data channels through `Peer`: an `m=application` section bundled with audio and video or alone, the SCTP
/// association in DTLS application data, DCEP opening channels both ways (RFC 8831, 8832, 8841).
@Suite struct PeerDataChannels {
    static let chat = DataChannelOptions(label: "chat")

    @Test func aChannelAlongsideAudioAndVideoInOneBundle() throws {
        var call = try PeerCall(beforeOffer: { peer in
            let id = try peer.createDataChannel(PeerDataChannels.chat, now: .zero)
            #expect(id == nil, "no association before the offer/answer: the channel waits")
        })
        let offer = try #require(call.offerer.peer.localDescription)
        #expect(offer.media.map(\.kind.rawValue) == ["audio", "video", "application"])
        #expect(offer.bundleGroup?.mids.count == 3)
        let answer = try #require(call.answerer.peer.localDescription)
        #expect(answer.media.last?.port != 0 && answer.media.last?.sctpPort == 5000)
        let connected = call.runUntilConnected()
        #expect(connected)
        #expect(call.loop.run(for: .seconds(5)) { loop in loop.endpoints[1].openedChannel("chat") != nil })
        // The offerer (DTLS server here: the answerer took setup:active) has the odd id.
        let id = try #require(call.offerer.openedChannel("chat"))
        #expect(call.answerer.openedChannel("chat") == id)
        try call.loop.endpoints[0].peer.sendData(.text("hello"), on: id, now: call.loop.now)
        try call.loop.endpoints[1].peer.sendData(.binary([1, 2, 3]), on: id, now: call.loop.now)
        call.loop.endpoints[0].drain(now: call.loop.now)
        call.loop.endpoints[1].drain(now: call.loop.now)
        call.loop.run(for: .seconds(1))
        #expect(call.answerer.messages(on: id) == [.text("hello")])
        #expect(call.offerer.messages(on: id) == [.binary([1, 2, 3])])
        // Media still flows on the same transport.
        try call.exchangeMedia(count: 10)
        #expect(call.answerer.received["1"]?.count == 10)
    }

    @Test func aDataOnlyOfferIsAnsweredAndCarriesLargeMessages() throws {
        var configuration = PeerConfiguration(media: [])
        configuration.offersDataChannels = true
        var call = try PeerCall(offererConfiguration: configuration)
        #expect(call.offerer.peer.localDescription?.media.map(\.kind.rawValue) == ["application"])
        #expect(call.answerer.peer.hasDataChannels)
        let connected = call.runUntilConnected()
        #expect(connected)
        let created = try call.loop.endpoints[1].peer.createDataChannel(Self.chat, now: call.loop.now)
        let id = try #require(created)
        #expect(id % 2 == 0, "the DTLS client (the answerer) takes even ids")
        call.loop.endpoints[1].drain(now: call.loop.now)
        #expect(call.loop.run(for: .seconds(2)) { loop in loop.endpoints[0].openedChannel("chat") == id })
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try call.loop.endpoints[1].peer.sendData(.binary(big), on: id, now: call.loop.now)
        call.loop.endpoints[1].drain(now: call.loop.now)
        #expect(call.loop.run(for: .seconds(5)) { loop in !loop.endpoints[0].messages(on: id).isEmpty })
        #expect(call.offerer.messages(on: id) == [.binary(big)])
        // Over the remote's a=max-message-size: refused with a sentence, nothing sent.
        #expect(throws: PeerError.self) {
            try call.loop.endpoints[1].peer.sendData(.binary(Array(repeating: 0, count: 300_000)), on: id,
                                                    now: call.loop.now)
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func orderedMessagesSurviveLossAndReordering(seed: UInt64) throws {
        let lossy = NetworkConditions(loss: 0.1, delay: .milliseconds(15), jitter: .milliseconds(20))
        var call = try PeerCall(seed: seed, conditions: lossy, beforeOffer: { peer in
            try peer.createDataChannel(PeerDataChannels.chat, now: .zero)
        })
        let connected = call.runUntilConnected(timeout: .seconds(60))
        #expect(connected)
        #expect(call.loop.run(for: .seconds(20)) { loop in loop.endpoints[1].openedChannel("chat") != nil })
        let id = try #require(call.offerer.openedChannel("chat"))
        let sent = (0..<100).map { DataChannelMessage.text("line \($0)") }
        for message in sent {
            try call.loop.endpoints[0].peer.sendData(message, on: id, now: call.loop.now)
            call.loop.endpoints[0].drain(now: call.loop.now)
            call.loop.run(for: .milliseconds(10))
        }
        #expect(call.loop.run(for: .seconds(30)) { loop in loop.endpoints[1].messages(on: id).count == 100 })
        #expect(call.answerer.messages(on: id) == sent)
    }

    @Test func anAnswerRefusingDataChannelsLeavesMediaAlone() throws {
        var call = try PeerCall(tamperAnswer: { answer in
            answer.replacingOccurrences(of: "m=application 9 ", with: "m=application 0 ")
        }, beforeOffer: { peer in
            try peer.createDataChannel(PeerDataChannels.chat, now: .zero)
        })
        #expect(!call.offerer.peer.hasDataChannels)
        let connected = call.runUntilConnected()
        #expect(connected)
        try call.exchangeMedia(count: 5)
        #expect(call.answerer.received["0"]?.count == 5)
    }
}
