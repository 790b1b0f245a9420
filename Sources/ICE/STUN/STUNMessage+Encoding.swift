import Wire

extension STUNMessage {
    /// The encoded size with the given trailing attributes added.
    public func encodedSize(integrity: Bool = false, integritySHA256: Bool = false, fingerprint: Bool = false)
        -> Int
    {
        STUNMessage.headerSize + attributes.reduce(0) { $0 + $1.encodedSize }
            + (integrity ? 24 : 0) + (integritySHA256 ? 36 : 0) + (fingerprint ? 8 : 0)
    }

    /// The encoded size of the message as it is, with no attributes added.
    public var encodedSize: Int { encodedSize() }

    /// Encodes the message, then appends MESSAGE-INTEGRITY (HMAC-SHA1 under `integrity`, RFC 8489 §14.5),
    /// MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256 under `integritySHA256`, §14.6) and FINGERPRINT (§14.7), in that order,
    /// as each RFC section requires.
    ///
    /// Each of these is computed over the message up to (not including) itself, with the header's length field
    /// already counting the attribute being added, so the receiver can repeat the computation on what it got.
    /// `paddingByte` fills attribute padding; see `STUNAttribute.encode(into:transactionID:paddingByte:)`.
    /// Throws `tooLarge` if an attribute value or the message body would not fit a 16-bit length, and
    /// `cryptoFailure` if OpenSSL fails to compute an HMAC.
    public func encode(integrity: STUNKey? = nil, integritySHA256: STUNKey? = nil, fingerprint: Bool = false,
                       paddingByte: UInt8 = 0) throws(STUNError) -> [UInt8]
    {
        var writer = ByteWriter(capacity: encodedSize(integrity: integrity != nil,
                                                      integritySHA256: integritySHA256 != nil,
                                                      fingerprint: fingerprint))
        try encode(into: &writer, integrity: integrity, integritySHA256: integritySHA256, fingerprint: fingerprint,
                   paddingByte: paddingByte)
        return writer.bytes
    }

    /// Appends the encoded message to `writer` (see `encode(integrity:integritySHA256:fingerprint:paddingByte:)`).
    public func encode(into writer: inout ByteWriter, integrity: STUNKey? = nil, integritySHA256: STUNKey? = nil,
                       fingerprint: Bool = false, paddingByte: UInt8 = 0) throws(STUNError)
    {
        if let huge = attributes.first(where: { $0.valueLength > 0xFFFF }) {
            throw STUNError.tooLarge(huge.valueLength)
        }
        let bodySize = encodedSize(integrity: integrity != nil, integritySHA256: integritySHA256 != nil,
                                   fingerprint: fingerprint) - STUNMessage.headerSize
        guard bodySize <= 0xFFFF else { throw STUNError.tooLarge(bodySize) }
        let start = writer.count
        writer.write(type.rawValue & 0x3FFF)
        writer.write(UInt16(0))  // patched below, and before each integrity or fingerprint computation
        writer.write(STUNMessage.magicCookie)
        writer.write(transactionID.high)
        writer.write(transactionID.low)
        for attribute in attributes {
            attribute.encode(into: &writer, transactionID: transactionID, paddingByte: paddingByte)
        }
        func setLength(adding extra: Int, _ writer: inout ByteWriter) {
            writer.patch(UInt16(truncatingIfNeeded: writer.count - start - STUNMessage.headerSize + extra),
                         at: start + 2)
        }
        if let key = integrity {
            setLength(adding: 24, &writer)
            let mac = try STUNHMAC.sha1(key: key.bytes, data: writer.bytes[start...])
            STUNAttribute.messageIntegrity(mac).encode(into: &writer, transactionID: transactionID)
        }
        if let key = integritySHA256 {
            setLength(adding: 36, &writer)
            let mac = try STUNHMAC.sha256(key: key.bytes, data: writer.bytes[start...])
            STUNAttribute.messageIntegritySHA256(mac).encode(into: &writer, transactionID: transactionID)
        }
        if fingerprint {
            setLength(adding: 8, &writer)
            let crc = CRC32.checksum(writer.bytes[start...]) ^ STUNMessage.fingerprintXOR
            STUNAttribute.fingerprint(crc).encode(into: &writer, transactionID: transactionID)
        }
        setLength(adding: 0, &writer)
    }
}
