import Wire

/// A certificate fingerprint as SDP carries it in `a=fingerprint` (RFC 8122 §5):
///
/// ```
/// fingerprint-attribute  =  "fingerprint" ":" hash-func SP fingerprint
/// hash-func              =  "sha-1" / "sha-224" / "sha-256" / "sha-384" / "sha-512" / ...
/// fingerprint            =  2UHEX *(":" 2UHEX)
/// ```
///
/// LinkUp produces SHA-256 fingerprints; it parses any algorithm name so a mismatch can be reported precisely,
/// but only "sha-256" can match a certificate (see `DTLSCertificate.fingerprint(of:)`).
public struct DTLSFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// The hash function's name in lower case, e.g. "sha-256".
    public var algorithm: String
    /// The digest bytes.
    public var bytes: [UInt8]

    /// A fingerprint from its parts; the algorithm name is lower-cased because RFC 8122 compares it
    /// case-insensitively.
    public init(algorithm: String, bytes: [UInt8]) {
        self.algorithm = algorithm.lowercased()
        self.bytes = bytes
    }

    /// Parses "sha-256 AB:CD:..." (the value of `a=fingerprint`); hex digits may be either case.
    public init(parsing text: String) throws(DTLSError) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { throw .invalidFingerprint(text) }
        let hexGroups = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        // Each group must be exactly two hex digits: "A:BC" or "ABCD" are not fingerprints.
        guard !hexGroups.isEmpty, hexGroups.allSatisfy({ $0.utf8.count == 2 }),
            let bytes = Hex.decode(String(parts[1]))
        else { throw .invalidFingerprint(text) }
        self.init(algorithm: String(parts[0]), bytes: bytes)
    }

    /// The SDP form: algorithm, a space, upper-case hex pairs joined by ":".
    public var description: String {
        "\(algorithm) \(Hex.encode(bytes, separator: ":", uppercase: true))"
    }
}
