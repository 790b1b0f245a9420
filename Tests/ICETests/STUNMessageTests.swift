@testable import ICE
import Testing
import Wire

/// Header, framing, integrity and fingerprint behaviour of `STUNMessage`.
@Suite struct STUNMessageTests {
    static let fixtureNames = [
        "rfc5769-2.1-sample-request.hex", "rfc5769-2.2-ipv4-response.hex", "rfc5769-2.3-ipv6-response.hex",
        "rfc5769-2.4-long-term-request.hex",
    ]
    static let transactionID = TransactionID(high: 0xA1A2_A3A4, low: 0xB1B2_B3B4_B5B6_B7B8)
    static let key = STUNKey.shortTerm(password: "pass-word-of-22-chars!")

    /// RFC 8489 §5: method bits M0-M11 and class bits C0, C1 interleave; known values from RFC 8489 and RFC 8656.
    @Test(arguments: [
        (STUNMethod.binding, STUNClass.request, UInt16(0x0001)),
        (.binding, .indication, 0x0011),
        (.binding, .successResponse, 0x0101),
        (.binding, .errorResponse, 0x0111),
        (.allocate, .request, 0x0003),
        (.allocate, .errorResponse, 0x0113),
        (.refresh, .successResponse, 0x0104),
        (.send, .indication, 0x0016),
        (.data, .indication, 0x0017),
        (.createPermission, .request, 0x0008),
        (.channelBind, .successResponse, 0x0109),
        (STUNMethod(rawValue: 0xFFF), .errorResponse, 0x3FFF),
    ])
    func messageTypeInterleaving(method: STUNMethod, messageClass: STUNClass, raw: UInt16) {
        let type = STUNMessageType(method: method, messageClass: messageClass)
        #expect(type.rawValue == raw)
        #expect(STUNMessageType(rawValue: raw) == type)
    }

    @Test(arguments: fixtureNames)
    func everyTruncationThrows(name: String) throws {
        let bytes = try STUNFixtures.hex(name)
        for length in 0..<bytes.count {
            #expect(throws: STUNError.self) { try STUNMessage(parsing: bytes[0..<length]) }
        }
        // And a slice that does not start at index 0 parses the same.
        let shifted = [0xFF, 0xFF] + bytes
        #expect(try STUNMessage(parsing: shifted[2...]) == STUNMessage(parsing: bytes))
    }

    @Test func wrongKeyFailsValidation() throws {
        let message = STUNMessage.bindingRequest(transactionID: Self.transactionID, attributes: [.username("a:b")])
        let parsed = try STUNMessage(parsing: try message.encode(integrity: Self.key, integritySHA256: Self.key,
                                                                 fingerprint: true))
        try parsed.validateMessageIntegrity(key: Self.key)
        try parsed.validateMessageIntegritySHA256(key: Self.key)
        try parsed.validateFingerprint()
        let wrong = STUNKey.shortTerm(password: "pass-word-of-22-chars?")
        #expect(throws: STUNError.integrityMismatch) { try parsed.validateMessageIntegrity(key: wrong) }
        #expect(throws: STUNError.integrityMismatch) { try parsed.validateMessageIntegritySHA256(key: wrong) }
    }

    @Test func tamperedMessageFailsValidation() throws {
        var bytes = try STUNFixtures.hex("rfc5769-2.1-sample-request.hex")
        bytes[30] ^= 0x01  // inside SOFTWARE
        let parsed = try STUNMessage(parsing: bytes)
        let key = STUNKey.shortTerm(password: RFC5769Tests.shortTermPassword)
        #expect(throws: STUNError.integrityMismatch) { try parsed.validateMessageIntegrity(key: key) }
        #expect(throws: STUNError.fingerprintMismatch) { try parsed.validateFingerprint() }
        #expect(!parsed.hasValidFingerprint)
    }

    @Test func badFingerprintDetected() throws {
        var bytes = try STUNFixtures.hex("rfc5769-2.2-ipv4-response.hex")
        bytes[bytes.count - 1] ^= 0x80
        let parsed = try STUNMessage(parsing: bytes)
        #expect(throws: STUNError.fingerprintMismatch) { try parsed.validateFingerprint() }
        // MESSAGE-INTEGRITY does not cover FINGERPRINT, so it still validates.
        try parsed.validateMessageIntegrity(key: .shortTerm(password: RFC5769Tests.shortTermPassword))
    }

    @Test func truncatedSHA256IntegrityValidates() throws {
        // RFC 8489 §14.6 allows sending the leading 16...28 bytes of the HMAC; build one by hand. The HMAC covers
        // the header with its length already counting the 20-byte (4 + 16) attribute.
        let message = STUNMessage.bindingRequest(transactionID: Self.transactionID, attributes: [.username("a:b")])
        var bytes = try message.encode()
        bytes[3] = UInt8(bytes.count - 20 + 20)
        let mac = try STUNHMAC.sha256(key: Self.key.bytes, data: bytes[...])
        bytes.append(contentsOf: [0x00, 0x1C, 0x00, 0x10] + mac[0..<16])
        let truncated = try STUNMessage(parsing: bytes)
        try truncated.validateMessageIntegritySHA256(key: Self.key)
        #expect(throws: STUNError.missingAttribute(type: 0x0008)) {
            try truncated.validateMessageIntegrity(key: Self.key)
        }
    }

    @Test func builtMessageHasNothingToValidate() {
        let message = STUNMessage.bindingRequest(transactionID: Self.transactionID)
        #expect(throws: STUNError.missingAttribute(type: 0x0008)) {
            try message.validateMessageIntegrity(key: Self.key)
        }
        #expect(throws: STUNError.missingAttribute(type: 0x8028)) { try message.validateFingerprint() }
    }

    @Test func unknownComprehensionOptionalAttributeIsPreserved() throws {
        let unknown = STUNAttribute.other(type: 0xC001, value: [0xDE, 0xAD, 0xBE])
        let message = STUNMessage.bindingRequest(transactionID: Self.transactionID,
                                                 attributes: [.priority(1), unknown, .useCandidate])
        let parsed = try STUNMessage(parsing: try message.encode(integrity: Self.key, fingerprint: true))
        #expect(parsed.attributes.prefix(3) == [.priority(1), unknown, .useCandidate])
        #expect(parsed.unknownComprehensionRequired.isEmpty)
        #expect(STUNMessage.unknownAttributeResponse(to: parsed) == nil)
        try parsed.validateMessageIntegrity(key: Self.key)
        let reencoded = try STUNMessage(parsing: try parsed.encode())
        #expect(reencoded == parsed)
    }

    @Test func unknownComprehensionRequiredAttributesAreReported() throws {
        let message = STUNMessage.bindingRequest(transactionID: Self.transactionID, attributes: [
            .other(type: 0x0031, value: [1]), .other(type: 0x7001, value: []), .other(type: 0x0031, value: [2]),
            .other(type: 0x8031, value: []),
        ])
        let parsed = try STUNMessage(parsing: try message.encode())
        #expect(parsed.unknownComprehensionRequired == [0x0031, 0x7001])
        let response = try #require(STUNMessage.unknownAttributeResponse(to: parsed))
        #expect(response.type == STUNMessageType(method: .binding, messageClass: .errorResponse))
        #expect(response.transactionID == Self.transactionID)
        #expect(response.errorCode == .unknownAttribute)
        #expect(response.unknownAttributes == [0x0031, 0x7001])
    }

    @Test func attributesAfterIntegrityAreIgnored() throws {
        // RFC 8489 §14.5: only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT may follow MESSAGE-INTEGRITY.
        var message = STUNMessage.bindingRequest(transactionID: Self.transactionID, attributes: [.priority(1)])
        message.attributes += [.messageIntegrity([UInt8](repeating: 0, count: 20)), .username("late")]
        let parsed = try STUNMessage(parsing: try message.encode())
        #expect(parsed.attributes.count == 3)
        #expect(parsed.username == nil)
        #expect(parsed.priority == 1)
    }

    @Test func attributeAfterFingerprintIsRejected() throws {
        var message = STUNMessage.bindingRequest(transactionID: Self.transactionID)
        message.attributes = [.fingerprint(0), .priority(1)]
        #expect(throws: STUNError.attributeAfterFingerprint(type: 0x0024)) {
            try STUNMessage(parsing: try message.encode())
        }
    }

    @Test func headerErrors() throws {
        let good = try STUNMessage.bindingRequest(transactionID: Self.transactionID).encode()
        var notSTUN = good
        notSTUN[0] = 0x80
        #expect(throws: STUNError.notSTUN(firstByte: 0x80)) { try STUNMessage(parsing: notSTUN) }
        var badCookie = good
        badCookie[4] = 0
        #expect(throws: STUNError.badMagicCookie(0x0012_A442)) { try STUNMessage(parsing: badCookie) }
        var oddLength = good + [0, 0]
        oddLength[3] = 2
        #expect(throws: STUNError.lengthNotMultipleOfFour(2)) { try STUNMessage(parsing: oddLength) }
        #expect(throws: STUNError.lengthMismatch(declared: 0, actual: 4)) {
            try STUNMessage(parsing: good + [0, 0, 0, 0])
        }
        var overrun = good + [0x80, 0x22, 0x00, 0x08, 0x41, 0x41, 0x41, 0x41]
        overrun[3] = 8
        #expect(throws: STUNError.self) { try STUNMessage(parsing: overrun) }
        #expect(STUNMessage.looksLikeSTUN(good[...]))
        #expect(!STUNMessage.looksLikeSTUN(badCookie[...]))
        #expect(!STUNMessage.looksLikeSTUN(good[0..<19]))
    }

    @Test func errorResponseBuilder() throws {
        let request = STUNMessage(method: .allocate, messageClass: .request, transactionID: Self.transactionID)
        let response = STUNMessage.errorResponse(to: request, code: 438, attributes: [.nonce("fresh"), .realm("r")])
        let parsed = try STUNMessage(parsing: try response.encode(fingerprint: true))
        #expect(parsed.type == STUNMessageType(method: .allocate, messageClass: .errorResponse))
        #expect(parsed.errorCode == STUNErrorCode(code: 438, reason: "Stale Nonce"))
        #expect(parsed.errorCode?.errorClass == 4)
        #expect(parsed.errorCode?.number == 38)
        #expect(parsed.nonce == "fresh")
        #expect(parsed.hasValidFingerprint)
        let custom = STUNMessage.errorResponse(to: request, code: 487, reason: "Swap roles")
        #expect(custom.errorCode?.description == "487 Swap roles")
    }

    @Test func successResponseBuilder() throws {
        let request = STUNMessage.bindingRequest(transactionID: Self.transactionID, attributes: [.priority(5)])
        let mapped = TransportAddress(ip: .v4(10, 0, 0, 1), port: 5000)
        let response = STUNMessage.successResponse(to: request, attributes: [.xorMappedAddress(mapped)])
        #expect(response.type.messageClass == .successResponse)
        #expect(response.type.method == .binding)
        #expect(response.transactionID == request.transactionID)
        let parsed = try STUNMessage(parsing: try response.encode(integrity: Self.key, fingerprint: true))
        #expect(parsed.xorMappedAddress == mapped)
        try parsed.validateMessageIntegrity(key: Self.key)
        try parsed.validateFingerprint()
    }

    @Test func encodeIntoWriterWithPrefix() throws {
        // Integrity and fingerprint must cover only this message, not bytes already in the writer.
        var writer = ByteWriter()
        writer.write(bytes: [9, 9, 9])
        let message = STUNMessage.bindingRequest(transactionID: Self.transactionID, attributes: [.username("x")])
        try message.encode(into: &writer, integrity: Self.key, fingerprint: true)
        let parsed = try STUNMessage(parsing: writer.bytes[3...])
        try parsed.validateMessageIntegrity(key: Self.key)
        try parsed.validateFingerprint()
        #expect(Array(writer.bytes[3...]) == (try message.encode(integrity: Self.key, fingerprint: true)))
    }

    @Test func transactionIDFromInjectedGenerator() {
        var first = SeededGenerator(seed: 7)
        var second = SeededGenerator(seed: 7)
        let a = TransactionID(using: &first)
        let b = TransactionID(using: &second)
        #expect(a == b)
        #expect(TransactionID(bytes: a.bytes) == a)
        #expect(a.bytes.count == 12)
        #expect(TransactionID(bytes: [1, 2, 3]) == nil)
    }

    @Test func oversizedMessageThrows() {
        let big = STUNMessage.bindingIndication(transactionID: Self.transactionID,
                                                attributes: [.data([UInt8](repeating: 1, count: 0x10000))])
        #expect(throws: STUNError.tooLarge(0x10000)) { try big.encode() }
        let almost = STUNMessage.bindingIndication(transactionID: Self.transactionID,
                                                   attributes: [.data([UInt8](repeating: 1, count: 0xFFF8))])
        #expect(throws: STUNError.tooLarge(0xFFFC + 8)) { try almost.encode(fingerprint: true) }
    }

    @Test func errorsHaveSentences() {
        #expect(STUNError.integrityMismatch.description.contains("integrity"))
        #expect(STUNError.truncated(offset: 3, needed: 2, available: 1).description.contains("byte 3"))
    }
}
