import ICE
import Testing
import Wire

/// RFC 5769 test vectors, checked in both directions: parse the RFC's bytes and check every field, integrity and
/// fingerprint; build the same message from its fields and compare the bytes.
///
/// §2.1-§2.3 pad USERNAME and SOFTWARE with spaces (0x20) rather than zeros. RFC 8489 §14 says padding content is
/// ignored on receipt, but MESSAGE-INTEGRITY and FINGERPRINT cover it, so to get byte-identical output (and the
/// RFC's HMAC and CRC) those vectors are encoded with `paddingByte: 0x20`. §2.4 pads with zeros, the default.
@Suite struct RFC5769Tests {
    static let shortTermPassword = "VOkJxbRl1RmTxUk/WvJxBt"
    static let vectorTransactionID = TransactionID(bytes: Hex.decode("b7e7a701bc34d686fa87dfae")!)!

    /// §2.4's username: "マトリックス" (MATORIKKUSU) as six code points.
    static let longTermUsername = "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}"
    /// §2.4's password is "The\u{AD}M\u{AA}tr\u{2168}"; SASLprep maps it to "TheMatrIX" (soft hyphen removed,
    /// NFKC of U+00AA and U+2168). `STUNKey.longTerm` does not run SASLprep, so the prepared form is given here.
    static let longTermPreparedPassword = "TheMatrIX"

    @Test func sampleRequestParses() throws {
        let bytes = try STUNFixtures.hex("rfc5769-2.1-sample-request.hex")
        let message = try STUNMessage(parsing: bytes)
        #expect(message.type == STUNMessageType(method: .binding, messageClass: .request))
        #expect(message.transactionID == Self.vectorTransactionID)
        #expect(message.software == "STUN test client")
        #expect(message.priority == 0x6E00_01FF)
        #expect(message.iceControlled == 0x932F_F9B1_5126_3B36)
        #expect(message.iceControlling == nil)
        #expect(message.username == "evtj:h6vY")
        #expect(message.messageIntegrity == Hex.decode("9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"))
        #expect(message.fingerprint == 0xE57A_3BCF)
        #expect(message.attributes.map(\.type) == [
            .software, .priority, .iceControlled, .username, .messageIntegrity, .fingerprint,
        ])
        try message.validateMessageIntegrity(key: .shortTerm(password: Self.shortTermPassword))
        try message.validateFingerprint()
        #expect(message.unknownComprehensionRequired.isEmpty)
    }

    @Test func sampleRequestBuilds() throws {
        let message = STUNMessage.bindingRequest(transactionID: Self.vectorTransactionID, attributes: [
            .software("STUN test client"),
            .priority(0x6E00_01FF),
            .iceControlled(0x932F_F9B1_5126_3B36),
            .username("evtj:h6vY"),
        ])
        let bytes = try message.encode(integrity: .shortTerm(password: Self.shortTermPassword), fingerprint: true,
                                       paddingByte: 0x20)
        #expect(Hex.encode(bytes) == Hex.encode(try STUNFixtures.hex("rfc5769-2.1-sample-request.hex")))
    }

    @Test func ipv4ResponseParses() throws {
        let message = try STUNMessage(parsing: try STUNFixtures.hex("rfc5769-2.2-ipv4-response.hex"))
        #expect(message.type == STUNMessageType(method: .binding, messageClass: .successResponse))
        #expect(message.transactionID == Self.vectorTransactionID)
        #expect(message.software == "test vector")
        #expect(message.xorMappedAddress == TransportAddress(ip: .v4(192, 0, 2, 1), port: 32853))
        #expect(message.messageIntegrity == Hex.decode("2b91f599fd9e90c38c7489f92af9ba53f06be7d7"))
        #expect(message.fingerprint == 0xC07D_4C96)
        try message.validateMessageIntegrity(key: .shortTerm(password: Self.shortTermPassword))
        try message.validateFingerprint()
    }

    @Test func ipv4ResponseBuilds() throws {
        let request = STUNMessage.bindingRequest(transactionID: Self.vectorTransactionID)
        let message = STUNMessage.successResponse(to: request, attributes: [
            .software("test vector"),
            .xorMappedAddress(TransportAddress(ip: .v4(192, 0, 2, 1), port: 32853)),
        ])
        let bytes = try message.encode(integrity: .shortTerm(password: Self.shortTermPassword), fingerprint: true,
                                       paddingByte: 0x20)
        #expect(Hex.encode(bytes) == Hex.encode(try STUNFixtures.hex("rfc5769-2.2-ipv4-response.hex")))
    }

    static let ipv6Mapped = TransportAddress(ip: IPAddress("2001:db8:1234:5678:11:2233:4455:6677")!, port: 32853)

    @Test func ipv6ResponseParses() throws {
        let message = try STUNMessage(parsing: try STUNFixtures.hex("rfc5769-2.3-ipv6-response.hex"))
        #expect(message.type == STUNMessageType(method: .binding, messageClass: .successResponse))
        #expect(message.transactionID == Self.vectorTransactionID)
        #expect(message.software == "test vector")
        #expect(message.xorMappedAddress == Self.ipv6Mapped)
        #expect(message.messageIntegrity == Hex.decode("a382954e4be67bf11784c97c8292c275bfe3ed41"))
        #expect(message.fingerprint == 0xC8FB_0B4C)
        try message.validateMessageIntegrity(key: .shortTerm(password: Self.shortTermPassword))
        try message.validateFingerprint()
    }

    @Test func ipv6ResponseBuilds() throws {
        let request = STUNMessage.bindingRequest(transactionID: Self.vectorTransactionID)
        let message = STUNMessage.successResponse(to: request, attributes: [
            .software("test vector"),
            .xorMappedAddress(Self.ipv6Mapped),
        ])
        let bytes = try message.encode(integrity: .shortTerm(password: Self.shortTermPassword), fingerprint: true,
                                       paddingByte: 0x20)
        #expect(Hex.encode(bytes) == Hex.encode(try STUNFixtures.hex("rfc5769-2.3-ipv6-response.hex")))
    }

    static let longTermTransactionID = TransactionID(bytes: Hex.decode("78ad3433c6ad72c029da412e")!)!

    @Test func longTermRequestParses() throws {
        let message = try STUNMessage(parsing: try STUNFixtures.hex("rfc5769-2.4-long-term-request.hex"))
        #expect(message.type == STUNMessageType(method: .binding, messageClass: .request))
        #expect(message.transactionID == Self.longTermTransactionID)
        #expect(message.username == Self.longTermUsername)
        #expect(message.nonce == "f//499k954d6OL34oL9FSTvy64sA")
        #expect(message.realm == "example.org")
        #expect(message.messageIntegrity == Hex.decode("f67024656dd64a3e02b8e0712e85c9a28ca89666"))
        #expect(message.fingerprint == nil)
        let key = STUNKey.longTerm(username: Self.longTermUsername, realm: "example.org",
                                   password: Self.longTermPreparedPassword)
        try message.validateMessageIntegrity(key: key)
        #expect(throws: STUNError.missingAttribute(type: 0x8028)) { try message.validateFingerprint() }
    }

    @Test func longTermRequestBuilds() throws {
        let message = STUNMessage.bindingRequest(transactionID: Self.longTermTransactionID, attributes: [
            .username(Self.longTermUsername),
            .nonce("f//499k954d6OL34oL9FSTvy64sA"),
            .realm("example.org"),
        ])
        let key = STUNKey.longTerm(username: Self.longTermUsername, realm: "example.org",
                                   password: Self.longTermPreparedPassword)
        let bytes = try message.encode(integrity: key)
        #expect(Hex.encode(bytes) == Hex.encode(try STUNFixtures.hex("rfc5769-2.4-long-term-request.hex")))
    }

    /// RFC 8489 §9.2.2: the long-term key is MD5 of "username:realm:password".
    @Test func longTermKeyIsMD5() {
        // Expected value from `echo -n user:realm:pass | md5sum`.
        let key = STUNKey.longTerm(username: "user", realm: "realm", password: "pass")
        #expect(Hex.encode(key.bytes) == "8493fbc53ba582fb4c044c456bdc40eb")
    }
}
