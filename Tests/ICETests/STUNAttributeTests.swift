import ICE
import Testing
import Wire

/// Every typed attribute survives encode → parse, alone in a message, and reports its value through the accessor.
@Suite struct STUNAttributeTests {
    static let transactionID = TransactionID(high: 0x0102_0304, low: 0x0506_0708_090A_0B0C)
    static let v4 = TransportAddress(ip: .v4(203, 0, 113, 7), port: 49152)
    static let v6 = TransportAddress(ip: IPAddress("2001:db8::1")!, port: 3478)

    static let samples: [STUNAttribute] = [
        .mappedAddress(v4), .mappedAddress(v6),
        .xorMappedAddress(v4), .xorMappedAddress(v6),
        .xorPeerAddress(v4), .xorPeerAddress(v6),
        .xorRelayedAddress(v4), .xorRelayedAddress(v6),
        .alternateServer(v4), .alternateServer(v6),
        .username("alice:bob"), .username(""), .username("ユーザー"),
        .userhash([UInt8](repeating: 0xAB, count: 32)),
        .messageIntegrity([UInt8](repeating: 0x11, count: 20)),
        .messageIntegritySHA256([UInt8](repeating: 0x22, count: 32)),
        .messageIntegritySHA256([UInt8](repeating: 0x33, count: 16)),
        .errorCode(.roleConflict), .errorCode(STUNErrorCode(code: 401, reason: "Unauthorized")),
        .errorCode(STUNErrorCode(code: 699, reason: "")),
        .realm("example.org"), .nonce("abc123nonce"),
        .unknownAttributes([0x0031, 0x7FFF]), .unknownAttributes([0x0031]), .unknownAttributes([]),
        .software("LinkUp 0.1"),
        .priority(0x6E00_01FF), .useCandidate,
        .iceControlled(0x0123_4567_89AB_CDEF), .iceControlling(.max),
        .lifetime(600), .data([1, 2, 3, 4, 5]), .data([]),
        .channelNumber(0x4001), .requestedTransport(17), .dontFragment,
        .evenPort(reserveNext: true), .evenPort(reserveNext: false),
        .reservationToken(0xDEAD_BEEF_CAFE_F00D),
        .other(type: 0x8055, value: [9, 8, 7]), .other(type: 0x0033, value: []),
    ]

    @Test(arguments: samples)
    func roundTrip(attribute: STUNAttribute) throws {
        let message = STUNMessage.bindingRequest(transactionID: Self.transactionID, attributes: [attribute])
        let bytes = try message.encode()
        #expect(bytes.count == message.encodedSize)
        #expect(bytes.count % 4 == 0)
        #expect(Int(bytes[2]) << 8 | Int(bytes[3]) == bytes.count - 20)
        let parsed = try STUNMessage(parsing: bytes)
        #expect(parsed == message)
        #expect(parsed.attributes == [attribute])
        // Padding is zeros by default (RFC 8489 §14).
        let length = attribute.valueLength
        #expect(bytes[(24 + length)...].allSatisfy { $0 == 0 })
    }

    @Test func accessors() throws {
        let message = STUNMessage(method: .allocate, messageClass: .successResponse, transactionID: Self.transactionID,
                                  attributes: [
            .xorRelayedAddress(Self.v6), .xorMappedAddress(Self.v4), .mappedAddress(Self.v4),
            .lifetime(600), .reservationToken(42), .software("s"), .realm("r"), .nonce("n"), .username("u"),
            .userhash([UInt8](repeating: 1, count: 32)), .priority(7), .useCandidate, .iceControlling(9),
            .iceControlled(10), .data([1]), .channelNumber(0x4000), .requestedTransport(17), .dontFragment,
            .evenPort(reserveNext: true), .alternateServer(Self.v6), .xorPeerAddress(Self.v4),
            .xorPeerAddress(Self.v6), .unknownAttributes([0x0002]),
        ])
        let parsed = try STUNMessage(parsing: try message.encode())
        #expect(parsed.xorRelayedAddress == Self.v6)
        #expect(parsed.xorMappedAddress == Self.v4)
        #expect(parsed.mappedAddress == Self.v4)
        #expect(parsed.lifetime == 600)
        #expect(parsed.reservationToken == 42)
        #expect(parsed.software == "s")
        #expect(parsed.realm == "r")
        #expect(parsed.nonce == "n")
        #expect(parsed.username == "u")
        #expect(parsed.userhash == [UInt8](repeating: 1, count: 32))
        #expect(parsed.priority == 7)
        #expect(parsed.useCandidate)
        #expect(parsed.iceControlling == 9)
        #expect(parsed.iceControlled == 10)
        #expect(parsed.data == [1])
        #expect(parsed.channelNumber == 0x4000)
        #expect(parsed.requestedTransport == 17)
        #expect(parsed.dontFragment)
        #expect(parsed.evenPort == true)
        #expect(parsed.alternateServer == Self.v6)
        #expect(parsed.xorPeerAddress == Self.v4)
        #expect(parsed.xorPeerAddresses == [Self.v4, Self.v6])
        #expect(parsed.unknownAttributes == [0x0002])
        #expect(parsed.errorCode == nil)
    }

    /// RFC 8489 §14.2: X-Port is the port XOR 0x2112; an IPv4 X-Address is the address XOR the magic cookie.
    @Test func xorAddressWireForm() throws {
        let message = STUNMessage.bindingRequest(transactionID: Self.transactionID,
                                                 attributes: [.xorMappedAddress(Self.v4)])
        let bytes = try message.encode()
        let xPort: UInt16 = 49152 ^ 0x2112
        let expected: [UInt8] = [
            0x00, 0x20, 0x00, 0x08, 0x00, 0x01, UInt8(xPort >> 8), UInt8(xPort & 0xFF),
            203 ^ 0x21, 0 ^ 0x12, 113 ^ 0xA4, 7 ^ 0x42,
        ]
        #expect(Array(bytes[20...]) == expected)
    }

    /// RFC 8489 §14.8: class in the hundreds digit, number in the last two.
    @Test func errorCodeWireForm() throws {
        let message = STUNMessage.bindingRequest(transactionID: Self.transactionID,
                                                 attributes: [.errorCode(.roleConflict)])
        let bytes = try message.encode()
        #expect(Array(bytes[20..<28]) == [0x00, 0x09, 0x00, 0x11, 0x00, 0x00, 0x04, 87])
        #expect(String(decoding: bytes[28..<41], as: UTF8.self) == "Role Conflict")
    }

    @Test(arguments: [
        (UInt16(0x0024), [UInt8](repeating: 0, count: 3)),   // PRIORITY needs 4
        (UInt16(0x8029), [UInt8](repeating: 0, count: 4)),   // ICE-CONTROLLED needs 8
        (UInt16(0x0025), [UInt8](repeating: 0, count: 4)),   // USE-CANDIDATE has no value
        (UInt16(0x0020), [0, 3, 0, 0, 1, 2, 3, 4]),          // unknown address family
        (UInt16(0x0020), [0, 1, 0, 0, 1, 2, 3]),             // IPv4 too short
        (UInt16(0x0020), [0, 2, 0, 0, 1, 2, 3, 4]),          // IPv6 too short
        (UInt16(0x0008), [UInt8](repeating: 0, count: 19)),  // MESSAGE-INTEGRITY needs 20
        (UInt16(0x001C), [UInt8](repeating: 0, count: 12)),  // MESSAGE-INTEGRITY-SHA256 needs 16...32
        (UInt16(0x0009), [0, 0, 4]),                         // ERROR-CODE shorter than 4
        (UInt16(0x0009), [0, 0, 4, 100]),                    // error number over 99
        (UInt16(0x000A), [0, 1, 2]),                         // UNKNOWN-ATTRIBUTES odd length
        (UInt16(0x0006), [0xFF, 0xFE]),                      // USERNAME not UTF-8
    ])
    func malformedValueThrows(type: UInt16, value: [UInt8]) {
        #expect(throws: STUNError.self) {
            try STUNAttribute.parse(type: type, value: value[...], transactionID: Self.transactionID)
        }
    }
}

/// Encoder robustness for values the type system allows but the wire format does not.
@Suite struct STUNAttributeEdgeTests {
    @Test func malformedIPv6ArrayStillEncodesTwentyBytes() throws {
        let odd = TransportAddress(ip: .v6([1, 2, 3]), port: 1)
        let message = STUNMessage.bindingRequest(transactionID: STUNAttributeTests.transactionID,
                                                 attributes: [.xorMappedAddress(odd)])
        let parsed = try STUNMessage(parsing: try message.encode())
        #expect(parsed.xorMappedAddress == TransportAddress(ip: .v6([1, 2, 3] + [UInt8](repeating: 0, count: 13)),
                                                            port: 1))
    }
}
