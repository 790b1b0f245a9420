import Foundation
import Testing
import Wire
@testable import SCTP

@Suite struct WireFormatTests {
    /// The .bin fuzz seeds are real packets with valid checksums: each parses and re-encodes byte for byte (.fuzz
    /// seeds are inputs the fuzzer once crashed on, kept as regressions).
    static let seedDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/fuzz-seeds/sctp")
    static let seeds = ((try? FileManager.default.contentsOfDirectory(atPath: seedDirectory.path)) ?? [])
        .filter { $0.hasSuffix(".bin") }.sorted()

    @Test(arguments: seeds)
    func seedPacketsRoundTrip(name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.seedDirectory.appendingPathComponent(name)))
        let packet = try SCTPPacket(parsing: bytes[...])
        #expect(packet.encoded == bytes)
        #expect(packet.encodedSize == bytes.count)
    }

    static let chunks: [SCTPChunk] = [
        .data(DataChunk(tsn: 0xFFFF_FFFF, stream: 3, ssn: 9, ppid: 51, unordered: true, beginning: true,
                        ending: false, immediate: true, payload: [1, 2, 3, 4, 5])),
        .initiation(InitChunk(initiateTag: 7, advertisedReceiverWindow: 1 << 20, outboundStreams: 10,
                              inboundStreams: 20, initialTSN: 99,
                              parameters: [.supportedExtensions([130, 192]), .forwardTSNSupported,
                                           .unknown(type: 0x8001, value: [9, 9, 9])])),
        .initiationAck(InitChunk(initiateTag: 8, advertisedReceiverWindow: 5, outboundStreams: 1, inboundStreams: 1,
                                 initialTSN: 1, parameters: [.stateCookie([1, 2, 3, 4, 5, 6, 7])])),
        .sack(SackChunk(cumulativeTSNAck: 10, advertisedReceiverWindow: 4000,
                        gapBlocks: [.init(start: 2, end: 4), .init(start: 7, end: 7)], duplicateTSNs: [5, 6])),
        .heartbeat(info: [0, 1, 0, 8, 1, 2, 3, 4]), .heartbeatAck(info: [0, 1, 0, 5, 1]),
        .abort(AbortChunk(tagReflected: true, causes: [.userAbort("bye"), .violation("x")])),
        .shutdown(cumulativeTSNAck: 42), .shutdownAck, .error(causes: [ErrorCause(code: 6, info: [0x85, 0, 0, 4])]),
        .cookieEcho(cookie: [1, 2, 3]), .cookieAck, .shutdownComplete(tagReflected: true),
        .forwardTSN(ForwardTSNChunk(newCumulativeTSN: 77, skips: [.init(stream: 1, ssn: 2), .init(stream: 4, ssn: 0)])),
        .reconfig(ReconfigChunk(parameters: [
            .outgoingReset(requestSequence: 1, responseSequence: 2, lastAssignedTSN: 3, streams: [4, 6, 8]),
            .response(responseSequence: 9, result: 1, nextTSNs: nil),
        ])),
        .reconfig(ReconfigChunk(parameters: [.response(responseSequence: 1, result: 0, nextTSNs: (5, 6))])),
        .unknown(type: 0xC1, flags: 0x5A, value: [1, 2, 3]),
    ]

    @Test(arguments: chunks.indices)
    func chunkRoundTrips(index: Int) throws {
        let chunk = Self.chunks[index]
        let packet = SCTPPacket(sourcePort: 5000, destinationPort: 5001, verificationTag: 0xDEAD_BEEF, chunks: [chunk])
        let bytes = packet.encoded
        #expect(bytes.count == packet.encodedSize)
        #expect(bytes.count % 4 == 0)
        let parsed = try SCTPPacket(parsing: bytes[...])
        #expect(parsed == packet)
    }

    @Test func bundledPacketRoundTrips() throws {
        let packet = SCTPPacket(sourcePort: 1, destinationPort: 2, verificationTag: 3, chunks: Self.chunks)
        #expect(try SCTPPacket(parsing: packet.encoded[...]) == packet)
    }

    @Test func corruptedChecksumIsRejected() {
        var bytes = SCTPPacket(sourcePort: 1, destinationPort: 2, verificationTag: 3, chunks: [.cookieAck]).encoded
        bytes[9] ^= 0x40
        #expect(throws: SCTPParseError.self) { try SCTPPacket(parsing: bytes[...]) }
        #expect((try? SCTPPacket(parsing: bytes[...], verifyChecksum: false)) != nil)
    }

    static let broken: [([UInt8], String)] = [
        ([0, 1, 0, 2, 0, 0, 0], "short header"),
        ([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 2], "chunk length below 4"),
        ([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 40, 1, 2], "chunk runs past the packet"),
        ([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 8, 1, 2, 3, 4], "DATA shorter than its header"),
        ([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 1, 0, 5, 0, 0], "SACK gap count lies"),
        ([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 0, 10, 0, 0, 0, 1, 0, 1, 0, 0], "FORWARD TSN odd entries"),
        ([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 24, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1,
          0, 7, 0, 2], "INIT parameter length below 4"),
        ([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 130, 0, 0, 12, 0, 13, 0, 8, 0, 0, 0, 1], "reset request truncated"),
    ]

    @Test(arguments: broken)
    func brokenInputsGiveTypedErrors(bytes: [UInt8], reason: String) {
        #expect(throws: SCTPParseError.self, "\(reason)") { try SCTPPacket(parsing: bytes[...], verifyChecksum: false) }
    }

    @Test func dcepRoundTrips() throws {
        let options = DataChannelOptions(label: "chät", protocol: "json", ordered: false, maxRetransmits: 3,
                                         priority: 512)
        #expect(try DCEPMessage(parsing: DCEPMessage.open(options).encoded[...]) == .open(options))
        let timed = DataChannelOptions(label: "", maxPacketLifeTime: 150)
        #expect(try DCEPMessage(parsing: DCEPMessage.open(timed).encoded[...]) == .open(timed))
        #expect(try DCEPMessage(parsing: [2]) == .ack)
        #expect(throws: SCTPParseError.self) { try DCEPMessage(parsing: [3, 0, 0]) }
        #expect(throws: SCTPParseError.self) { try DCEPMessage(parsing: [3, 0, 1, 0, 0, 0, 0, 0, 0, 9, 0, 0, 1]) }
        #expect(throws: SCTPParseError.self) { try DCEPMessage(parsing: [9]) }
    }

    @Test func stateCookieRejectsTampering() {
        var random = SeededGenerator(seed: 3)
        let key = (random.next(), random.next())
        let peer = InitChunk(initiateTag: 5, advertisedReceiverWindow: 6, outboundStreams: 7, inboundStreams: 8,
                             initialTSN: 9, parameters: [.forwardTSNSupported])
        let cookie = StateCookie(localTag: 4, peer: peer, created: .milliseconds(10))
        var bytes = cookie.encoded(key: key)
        #expect(StateCookie(verifying: bytes[...], key: key) == cookie)
        bytes[3] ^= 1
        #expect(StateCookie(verifying: bytes[...], key: key) == nil)
        #expect(StateCookie(verifying: cookie.encoded(key: key)[...], key: (key.0, key.1 ^ 1)) == nil)
    }

    @Test func receivedTSNsBuildGapBlocks() {
        var received = ReceivedTSNs(cumulative: 0xFFFF_FFFD)
        for tsn: UInt32 in [0xFFFF_FFFE, 1, 2, 5, 3, 5] { _ = received.insert(tsn) }
        let sack = received.makeSack(window: 100, maxGapBlocks: 16)
        #expect(sack.cumulativeTSNAck == 0xFFFF_FFFE)
        #expect(sack.gapBlocks == [.init(start: 3, end: 5), .init(start: 7, end: 7)])
        #expect(sack.duplicateTSNs == [5])
        _ = received.insert(0xFFFF_FFFF)
        _ = received.insert(0)
        #expect(received.cumulative == 3)
        received.advance(to: 6)
        #expect(received.cumulative == 6)
        #expect(!received.hasGaps)
    }
}
