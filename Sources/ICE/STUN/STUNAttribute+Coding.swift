import Wire

extension STUNAttribute {
    /// Reads one attribute value (without padding) of type `type`. `transactionID` unmasks XOR addresses.
    ///
    /// Unknown types become `.other` verbatim; known types with a malformed value throw.
    public static func parse(type: UInt16, value: ArraySlice<UInt8>, transactionID: TransactionID)
        throws(STUNError) -> STUNAttribute
    {
        func fixed(_ length: Int) throws(STUNError) -> ByteReader {
            guard value.count == length else {
                throw STUNError.invalidAttribute(type: type, reason: "length \(value.count), expected \(length)")
            }
            return ByteReader(value)
        }
        func text() throws(STUNError) -> String {
            // RFC 8489 §14.3, §14.9, §14.10, §14.14: these values are UTF-8. Rejecting invalid sequences keeps the
            // typed value lossless (a replacement character would not round-trip).
            guard let string = String(validating: value, as: UTF8.self) else {
                throw STUNError.invalidAttribute(type: type, reason: "value is not valid UTF-8")
            }
            return string
        }
        func address(xor: Bool) throws(STUNError) -> TransportAddress {
            try STUNAddressCoding.parse(value, type: type, xor: xor, transactionID: transactionID)
        }
        do {
            switch STUNAttributeType(rawValue: type) {
            case .mappedAddress: return .mappedAddress(try address(xor: false))
            case .xorMappedAddress: return .xorMappedAddress(try address(xor: true))
            case .xorPeerAddress: return .xorPeerAddress(try address(xor: true))
            case .xorRelayedAddress: return .xorRelayedAddress(try address(xor: true))
            case .alternateServer: return .alternateServer(try address(xor: false))
            case .username: return .username(try text())
            case .realm: return .realm(try text())
            case .nonce: return .nonce(try text())
            case .software: return .software(try text())
            case .userhash: return .userhash(Array(try fixed(32).remainingBytes))
            case .messageIntegrity: return .messageIntegrity(Array(try fixed(20).remainingBytes))
            case .messageIntegritySHA256:
                // RFC 8489 §14.6: at least 16 bytes, at most 32, a multiple of four.
                guard value.count >= 16, value.count <= 32, value.count % 4 == 0 else {
                    throw STUNError.invalidAttribute(type: type, reason: "HMAC-SHA256 length \(value.count)")
                }
                return .messageIntegritySHA256(Array(value))
            case .fingerprint:
                var reader = try fixed(4)
                return .fingerprint(try reader.readUInt32())
            case .errorCode: return .errorCode(try parseErrorCode(value, type: type))
            case .unknownAttributes:
                guard value.count % 2 == 0 else {
                    throw STUNError.invalidAttribute(type: type, reason: "odd length \(value.count)")
                }
                var reader = ByteReader(value)
                var types: [UInt16] = []
                while !reader.isAtEnd { types.append(try reader.readUInt16()) }
                return .unknownAttributes(types)
            case .priority:
                var reader = try fixed(4)
                return .priority(try reader.readUInt32())
            case .useCandidate:
                _ = try fixed(0)
                return .useCandidate
            case .iceControlled:
                var reader = try fixed(8)
                return .iceControlled(try reader.readUInt64())
            case .iceControlling:
                var reader = try fixed(8)
                return .iceControlling(try reader.readUInt64())
            case .lifetime:
                var reader = try fixed(4)
                return .lifetime(try reader.readUInt32())
            case .data: return .data(Array(value))
            case .channelNumber:
                var reader = try fixed(4)
                return .channelNumber(try reader.readUInt16())  // the 16 RFFU bits that follow are ignored
            case .requestedTransport:
                var reader = try fixed(4)
                return .requestedTransport(try reader.readUInt8())  // 24 RFFU bits ignored
            case .dontFragment:
                _ = try fixed(0)
                return .dontFragment
            case .evenPort:
                var reader = try fixed(1)
                return .evenPort(reserveNext: try reader.readUInt8() & 0x80 != 0)
            case .reservationToken:
                var reader = try fixed(8)
                return .reservationToken(try reader.readUInt64())
            default:
                return .other(type: type, value: Array(value))
            }
        } catch let error as STUNError {
            throw error
        } catch {
            // Only ByteReader can throw here, and every fixed-size read was length-checked first.
            throw STUNError.invalidAttribute(type: type, reason: "value too short")
        }
    }

    /// ERROR-CODE value (RFC 8489 §14.8, Figure 7):
    /// ```
    ///  0                   1                   2                   3
    ///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// |           Reserved, should be 0         |Class|     Number    |
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// |      Reason Phrase (variable)                                ..
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// ```
    private static func parseErrorCode(_ value: ArraySlice<UInt8>, type: UInt16) throws(STUNError) -> STUNErrorCode {
        var reader = ByteReader(value)
        let head: UInt32
        do {
            head = try reader.readUInt32()
        } catch {
            throw STUNError.invalidAttribute(type: type, reason: "ERROR-CODE shorter than 4 bytes")
        }
        let errorClass = Int((head >> 8) & 0x7)
        let number = Int(head & 0xFF)
        // The number is 0...99 (RFC 8489 §14.8); anything larger could not be written back as class × 100 + number.
        guard number < 100 else {
            throw STUNError.invalidAttribute(type: type, reason: "error number \(number) is over 99")
        }
        guard let reason = String(validating: reader.readRemaining(), as: UTF8.self) else {
            throw STUNError.invalidAttribute(type: type, reason: "reason phrase is not valid UTF-8")
        }
        return STUNErrorCode(code: errorClass * 100 + number, reason: reason)
    }

    /// Writes header, value and `paddingByte` padding. `transactionID` masks XOR addresses.
    ///
    /// RFC 8489 §14 says padding content is ignored on receipt; zero is the norm, and the parameter exists so tests
    /// can reproduce RFC 5769 vectors, which pad with spaces.
    public func encode(into writer: inout ByteWriter, transactionID: TransactionID, paddingByte: UInt8 = 0) {
        let length = valueLength
        writer.write(type.rawValue)
        writer.write(UInt16(truncatingIfNeeded: length))
        switch self {
        case let .mappedAddress(address), let .alternateServer(address):
            STUNAddressCoding.encode(address, xor: false, transactionID: transactionID, into: &writer)
        case let .xorMappedAddress(address), let .xorPeerAddress(address), let .xorRelayedAddress(address):
            STUNAddressCoding.encode(address, xor: true, transactionID: transactionID, into: &writer)
        case let .username(text), let .realm(text), let .nonce(text), let .software(text):
            writer.write(bytes: text.utf8)
        case let .userhash(bytes), let .messageIntegrity(bytes), let .messageIntegritySHA256(bytes),
             let .data(bytes), let .other(_, bytes):
            writer.write(bytes: bytes)
        case let .fingerprint(value), let .priority(value), let .lifetime(value):
            writer.write(value)
        case let .errorCode(error):
            let errorClass = UInt32(truncatingIfNeeded: error.errorClass) & 0x7
            let number = UInt32(truncatingIfNeeded: error.number) & 0xFF
            writer.write(errorClass << 8 | number)
            writer.write(bytes: error.reason.utf8)
        case let .unknownAttributes(types):
            for type in types { writer.write(type) }
        case .useCandidate, .dontFragment:
            break
        case let .iceControlled(value), let .iceControlling(value), let .reservationToken(value):
            writer.write(value)
        case let .channelNumber(channel):
            writer.write(channel)
            writer.write(UInt16(0))
        case let .requestedTransport(proto):
            writer.write(proto)
            writer.writeUInt24(0)
        case let .evenPort(reserveNext):
            writer.write(UInt8(reserveNext ? 0x80 : 0))
        }
        for _ in length..<STUNAttribute.padded(length) { writer.write(paddingByte) }
    }
}
