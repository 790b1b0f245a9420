import Wire

/// `a=fingerprint` (RFC 8122 §5): the hash of the DTLS certificate the peer will present.
///
/// ```
/// a=fingerprint:<hash-func> <fingerprint>
/// fingerprint = 2UHEX *(":" 2UHEX)
/// a=fingerprint:sha-256 41:BF:A5:5A:...:32:DF     (32 bytes for sha-256)
/// ```
public struct Fingerprint: SDPAttributeValue {
    /// `fingerprint`.
    public static let attributeName = "fingerprint"
    /// The hash function name as written, such as `sha-256` (compare case-insensitively; RFC 8122 §5).
    public var hashFunction: String
    /// The digest.
    public var bytes: [UInt8]

    /// A fingerprint computed with `hashFunction`.
    public init(hashFunction: String, bytes: [UInt8]) {
        self.hashFunction = hashFunction
        self.bytes = bytes
    }

    /// A SHA-256 fingerprint, the one every WebRTC peer supports.
    public static func sha256(_ bytes: [UInt8]) -> Fingerprint { Fingerprint(hashFunction: "sha-256", bytes: bytes) }

    /// Parses the text after `fingerprint:`. Hex digits of either case are accepted (RFC 8122 asks for upper case,
    /// some peers write lower case); each byte must be exactly two digits.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard fields.count == 2 else { throw SDPError(text: value, reason: .badFingerprint) }
        var bytes = [UInt8]()
        for pair in SDPText.pieces(fields[1], separator: SDPText.colon) {
            guard pair.utf8.count == 2, let byte = Hex.decode(pair)?.first else {
                throw SDPError(text: value, reason: .badFingerprint)
            }
            bytes.append(byte)
        }
        self.init(hashFunction: fields[0], bytes: bytes)
    }

    /// True when the hash function is SHA-256 and the digest has its 32 bytes.
    public var isSHA256: Bool { hashFunction.lowercased() == "sha-256" && bytes.count == 32 }

    /// The text after `fingerprint:`, hex in upper case as RFC 8122 writes it.
    public var attributeValue: String {
        "\(hashFunction) \(Hex.encode(bytes, separator: ":", uppercase: true))"
    }
}
