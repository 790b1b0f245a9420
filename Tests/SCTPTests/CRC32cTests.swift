import Testing
@testable import SCTP

@Suite struct CRC32cTests {
    /// The check value of the CRC-32C catalogue entry, and the RFC 3720 Appendix B.4 vectors (iSCSI uses the same
    /// polynomial SCTP does, RFC 9260 Appendix A).
    @Test(arguments: [
        (Array("123456789".utf8), UInt32(0xE306_9283)),
        ([UInt8](repeating: 0, count: 32), UInt32(0x8A91_36AA)),
        ([UInt8](repeating: 0xFF, count: 32), UInt32(0x62A8_AB43)),
        ((0..<32).map { UInt8($0) }, UInt32(0x46DD_794E)),
        ((0..<32).map { UInt8(31 - $0) }, UInt32(0x113F_DB5C)),
    ])
    func knownVectors(input: [UInt8], expected: UInt32) {
        #expect(CRC32c.checksum(input) == expected)
    }

    @Test func zeroedFieldMatchesCopy() {
        var bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let direct = CRC32c.checksum(bytes[...], zeroingFourBytesAt: 8)
        bytes[8...11] = [0, 0, 0, 0]
        #expect(direct == CRC32c.checksum(bytes))
    }
}
