import Testing
import Wire
@testable import RTP

/// The SRTCP index is 31 bits (RFC 3711 §3.4) and must never repeat under one key: the last index is used, and
/// is accepted by libsrtp (the oracle); the packet after it is refused, as libsrtp refuses it (key expired),
/// instead of wrapping to 0 and reusing keystream.
@Suite struct SRTCPIndexExhaustionTests {
    @Test(arguments: SRTPProfile.allCases)
    func theLastIndexIsUsedAndThenSendingStops(profile: SRTPProfile) throws {
        var random = SeededGenerator(seed: 77)
        let key = random.bytes(profile.masterKeyLength), salt = random.bytes(profile.masterSaltLength)
        let sender = try NativeSRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound)
        let oracle = try SRTPContext(profile: profile, masterKey: key, masterSalt: salt, direction: .inbound)
        let ssrc: UInt32 = 0x0102_0304
        let report: [UInt8] = [0x80, 201, 0, 1, 0x01, 0x02, 0x03, 0x04]
        // Index 1 first, so the receiver has a window to compare against.
        let first = try sender.protectRTCP(report)
        #expect(try oracle.unprotectRTCP(first) == report)
        sender.streams[ssrc]?.rtcpIndex = NativeSRTPContext.maximumRTCPIndex - 1
        let last = try sender.protectRTCP(report)
        // The trailer carries E = 1 and the largest index (after the tag for AES-CM, before it for GCM).
        let trailerOffset = profile == .aes128CmHmacSha1_80 ? last.count - 4 - 10 : last.count - 4
        #expect(Array(last[trailerOffset..<(trailerOffset + 4)]) == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try oracle.unprotectRTCP(last) == report)
        #expect(throws: SRTPError.library(code: 15)) { try sender.protectRTCP(report) }
        #expect(throws: SRTPError.library(code: 15)) { try sender.protectRTCP(report) }
    }
}
