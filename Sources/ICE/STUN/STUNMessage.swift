import Wire

/// A STUN message (RFC 8489 §5, §6): a 20-byte header followed by attributes.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |0 0|     STUN Message Type     |         Message Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Magic Cookie                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// |                     Transaction ID (96 bits)                  |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// Message Length counts the bytes after the header; it is always a multiple of four.
///
/// A parsed message keeps a copy of the bytes it came from, so that `validateMessageIntegrity(key:)` and
/// `validateFingerprint()` check exactly what was received (padding bytes included), not a re-encoding.
public struct STUNMessage: Sendable, Equatable, CustomStringConvertible {
    /// Method and class.
    public var type: STUNMessageType
    /// Matches responses to requests.
    public var transactionID: TransactionID
    /// The attributes in wire order, including MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT as
    /// received. Attributes after MESSAGE-INTEGRITY other than the SHA256 variant and FINGERPRINT are kept (so the
    /// message round-trips) but the accessors ignore them, as RFC 8489 §14.5 requires.
    public var attributes: [STUNAttribute]
    /// The bytes this message was parsed from; empty for a message built in code.
    public private(set) var receivedBytes: [UInt8] = []
    /// Byte offsets (from the header) of the first MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
    /// attribute headers in `receivedBytes`.
    private(set) var integrityOffset: Int?
    private(set) var integritySHA256Offset: Int?
    private(set) var fingerprintOffset: Int?

    /// The magic cookie, 0x2112A442 (RFC 8489 §5).
    public static let magicCookie: UInt32 = 0x2112_A442
    /// The header size.
    public static let headerSize = 20
    /// XORed into the CRC-32 to form FINGERPRINT ("STUN" in ASCII), RFC 8489 §14.7.
    static let fingerprintXOR: UInt32 = 0x5354_554E

    /// A message built in code. Do not list MESSAGE-INTEGRITY or FINGERPRINT here: `encode` computes them.
    public init(type: STUNMessageType, transactionID: TransactionID, attributes: [STUNAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    /// A message built in code from a method and class.
    public init(method: STUNMethod, messageClass: STUNClass, transactionID: TransactionID,
                attributes: [STUNAttribute] = [])
    {
        self.init(type: STUNMessageType(method: method, messageClass: messageClass), transactionID: transactionID,
                  attributes: attributes)
    }

    /// Parses one whole STUN message: `bytes` must be exactly the header plus Message Length bytes (one UDP
    /// datagram, or one message already framed out of a TCP stream).
    public init(parsing bytes: [UInt8]) throws(STUNError) {
        try self.init(parsing: bytes[...])
    }

    /// Parses one whole STUN message from a slice (see `init(parsing: [UInt8])`).
    public init(parsing bytes: ArraySlice<UInt8>) throws(STUNError) {
        if let first = bytes.first, first & 0xC0 != 0 { throw STUNError.notSTUN(firstByte: first) }
        var reader = ByteReader(bytes)
        let rawType: UInt16, length: Int, cookie: UInt32, high: UInt32, low: UInt64
        do {
            rawType = try reader.readUInt16()
            length = Int(try reader.readUInt16())
            cookie = try reader.readUInt32()
            high = try reader.readUInt32()
            low = try reader.readUInt64()
        } catch {
            throw STUNError(error)
        }
        guard cookie == STUNMessage.magicCookie else { throw STUNError.badMagicCookie(cookie) }
        guard length % 4 == 0 else { throw STUNError.lengthNotMultipleOfFour(length) }
        guard reader.remaining == length else {
            throw STUNError.lengthMismatch(declared: length, actual: reader.remaining)
        }
        type = STUNMessageType(rawValue: rawType)
        transactionID = TransactionID(high: high, low: low)
        attributes = []
        receivedBytes = Array(bytes)
        try parseAttributes(&reader, messageStart: bytes.startIndex)
    }

    /// Reads attributes to the end of the message, remembering where the integrity and fingerprint ones start.
    private mutating func parseAttributes(_ reader: inout ByteReader, messageStart: Int) throws(STUNError) {
        var sawFingerprint = false
        while !reader.isAtEnd {
            let offset = reader.position - messageStart
            let attributeType: UInt16, value: ArraySlice<UInt8>
            do {
                attributeType = try reader.readUInt16()
                let valueLength = Int(try reader.readUInt16())
                value = try reader.readBytes(valueLength)
                // Padding (RFC 8489 §14): its content is ignored. The message length is a multiple of four, so it
                // is normally all there; a missing tail can only be the message's last bytes and is tolerated.
                try reader.skip(min(STUNAttribute.padded(valueLength) - valueLength, reader.remaining))
            } catch {
                throw STUNError(error)
            }
            if sawFingerprint { throw STUNError.attributeAfterFingerprint(type: attributeType) }
            let attribute = try STUNAttribute.parse(type: attributeType, value: value, transactionID: transactionID)
            switch attribute.type {
            case .messageIntegrity where integrityOffset == nil: integrityOffset = offset
            case .messageIntegritySHA256 where integritySHA256Offset == nil: integritySHA256Offset = offset
            case .fingerprint:
                fingerprintOffset = offset
                sawFingerprint = true
            default: break
            }
            attributes.append(attribute)
        }
    }

    /// True when `bytes` starts like a STUN message: top two bits zero and the magic cookie in place (RFC 8489 §5,
    /// RFC 7983). Cheap enough to demultiplex every datagram.
    public static func looksLikeSTUN(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count >= headerSize, let first = bytes.first, first & 0xC0 == 0 else { return false }
        let start = bytes.startIndex
        let cookie = (4..<8).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[start + $1]) }
        return cookie == magicCookie
    }

    /// Messages are equal when type, transaction ID and attributes are; the received bytes are not compared, so a
    /// parsed message equals the same message built in code.
    public static func == (lhs: STUNMessage, rhs: STUNMessage) -> Bool {
        lhs.type == rhs.type && lhs.transactionID == rhs.transactionID && lhs.attributes == rhs.attributes
    }

    /// E.g. "Binding request 0123... [USERNAME, PRIORITY]".
    public var description: String {
        "\(type) \(transactionID) [\(attributes.map { $0.type.description }.joined(separator: ", "))]"
    }
}
