import Testing
import Wire

/// RFC 7983 §7 first-byte ranges, with RFC 5761 §4 separating RTCP from RTP.
@Suite struct DatagramKindTests {
    @Test(arguments: [
        ([0x00, 0x01, 0x00, 0x00], DatagramKind.stun),       // Binding request
        ([0x01, 0x01, 0x00, 0x0C], .stun),                   // Binding success response
        ([0x03, 0xFF], .stun),
        ([0x10, 0x00], .zrtp),
        ([0x16, 0xFE, 0xFD], .dtls),                         // DTLS 1.2 handshake record
        ([0x14, 0xFE, 0xFD], .dtls),                         // change_cipher_spec
        ([0x17, 0xFE, 0xFD], .dtls),                         // application_data
        ([0x3F, 0x00], .dtls),
        ([0x40, 0x00, 0x00, 0x04], .turnChannelData),        // channel 0x4000
        ([0x4F, 0xFF, 0x00, 0x00], .turnChannelData),
        ([0x80, 0x60, 0x12, 0x34], .rtp),                    // V=2, PT=96
        ([0x90, 0xE0, 0x12, 0x34], .rtp),                    // marker + PT=96
        ([0x80, 0xC8, 0x00, 0x06], .rtcp),                   // SR
        ([0x81, 0xC9, 0x00, 0x07], .rtcp),                   // RR
        ([0x81, 0xCD, 0x00, 0x03], .rtcp),                   // RTPFB (NACK)
        ([0x81, 0xCE, 0x00, 0x02], .rtcp),                   // PSFB (PLI)
        ([0x80, 0xDF, 0x00, 0x00], .rtcp),                   // 223, last RFC 5761 RTCP value
        ([0x80, 0xE0, 0x00, 0x00], .rtp),                    // 224: marker + PT 96 again
        ([0x80], .unknown),                                  // too short to be RTP
        ([0x04], .unknown),
        ([0xC0, 0x00], .unknown),
        ([0xFF], .unknown),
        ([], .unknown),
    ] as [([UInt8], DatagramKind)])
    func classifies(bytes: [UInt8], expected: DatagramKind) {
        #expect(DatagramKind(classifying: bytes) == expected)
    }
}
