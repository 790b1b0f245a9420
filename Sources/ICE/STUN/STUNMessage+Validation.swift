import Wire

extension STUNMessage {
    /// Checks MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) against `key` over the bytes as received.
    ///
    /// Throws `missingAttribute` if the message has none (or was built in code rather than parsed) and
    /// `integrityMismatch` if the HMAC differs.
    public func validateMessageIntegrity(key: STUNKey) throws(STUNError) {
        guard let offset = integrityOffset else {
            throw STUNError.missingAttribute(type: STUNAttributeType.messageIntegrity.rawValue)
        }
        let expected = receivedBytes[(offset + 4)..<(offset + 24)]
        let mac = try STUNHMAC.sha1(key: key.bytes, data: prefix(upTo: offset, attributeSize: 24)[...])
        guard STUNMessage.constantTimeEqual(mac[...], expected) else { throw STUNError.integrityMismatch }
    }

    /// Checks MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6) against `key`; a truncated value (16...28 bytes) is compared
    /// with the same leading bytes of the HMAC.
    public func validateMessageIntegritySHA256(key: STUNKey) throws(STUNError) {
        guard let offset = integritySHA256Offset else {
            throw STUNError.missingAttribute(type: STUNAttributeType.messageIntegritySHA256.rawValue)
        }
        // The parser accepted this attribute, so its length is 16...32 and the value lies inside receivedBytes.
        let length = Int(receivedBytes[offset + 2]) << 8 | Int(receivedBytes[offset + 3])
        let expected = receivedBytes[(offset + 4)..<(offset + 4 + length)]
        let mac = try STUNHMAC.sha256(key: key.bytes, data: prefix(upTo: offset, attributeSize: 4 + length)[...])
        guard STUNMessage.constantTimeEqual(mac[0..<length], expected) else { throw STUNError.integrityMismatch }
    }

    /// Checks FINGERPRINT (RFC 8489 §14.7): CRC-32 of everything before it, XOR 0x5354554E.
    public func validateFingerprint() throws(STUNError) {
        guard let offset = fingerprintOffset else {
            throw STUNError.missingAttribute(type: STUNAttributeType.fingerprint.rawValue)
        }
        var reader = ByteReader(receivedBytes[(offset + 4)..<(offset + 8)])
        let expected = try? reader.readUInt32()
        let crc = CRC32.checksum(prefix(upTo: offset, attributeSize: 8)) ^ STUNMessage.fingerprintXOR
        guard crc == expected else { throw STUNError.fingerprintMismatch }
    }

    /// True when the message carries a FINGERPRINT that matches: how ICE tells its STUN from other traffic.
    public var hasValidFingerprint: Bool { (try? validateFingerprint()) != nil }

    /// The received bytes before the attribute at `offset`, with the header length rewritten to end just after that
    /// attribute (`attributeSize` bytes including its header), as RFC 8489 §14.5-§14.7 require.
    private func prefix(upTo offset: Int, attributeSize: Int) -> [UInt8] {
        var bytes = Array(receivedBytes[0..<offset])
        let length = offset - STUNMessage.headerSize + attributeSize
        bytes[2] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: length)
        return bytes
    }

    /// Compares without an early exit, so timing does not reveal how many leading bytes of a forged MAC matched.
    static func constantTimeEqual(_ lhs: ArraySlice<UInt8>, _ rhs: ArraySlice<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}
