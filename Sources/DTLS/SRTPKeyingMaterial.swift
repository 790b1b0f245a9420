import Wire

/// The SRTP master keys and salts exported from a finished DTLS handshake (RFC 5764 §4.2).
///
/// The exporter output with label "EXTRACTOR-dtls_srtp" is laid out as
///
/// ```
/// client_write_SRTP_master_key[SRTPSecurityParams.master_key_len];
/// server_write_SRTP_master_key[SRTPSecurityParams.master_key_len];
/// client_write_SRTP_master_salt[SRTPSecurityParams.master_salt_len];
/// server_write_SRTP_master_salt[SRTPSecurityParams.master_salt_len];
/// ```
///
/// The DTLS client protects what it sends with the client key and salt and unprotects with the server's; the
/// server does the opposite (`localKey(for:)` and friends pick the right half).
public struct SRTPKeyingMaterial: Hashable, Sendable {
    /// The profile whose key and salt lengths split the exporter output.
    public var profile: SRTPProtectionProfile
    /// The key the DTLS client sends with.
    public var clientWriteKey: [UInt8]
    /// The key the DTLS server sends with.
    public var serverWriteKey: [UInt8]
    /// The salt the DTLS client sends with.
    public var clientWriteSalt: [UInt8]
    /// The salt the DTLS server sends with.
    public var serverWriteSalt: [UInt8]

    /// Splits exporter output of exactly `2 * (key + salt)` bytes for `profile`; nil if the length is wrong.
    public init?(exported: [UInt8], profile: SRTPProtectionProfile) {
        let key = profile.masterKeyLength
        let salt = profile.masterSaltLength
        guard exported.count == 2 * (key + salt) else { return nil }
        self.profile = profile
        clientWriteKey = Array(exported[0..<key])
        serverWriteKey = Array(exported[key..<(2 * key)])
        clientWriteSalt = Array(exported[(2 * key)..<(2 * key + salt)])
        serverWriteSalt = Array(exported[(2 * key + salt)..<(2 * key + 2 * salt)])
    }

    /// The master key this endpoint protects outgoing SRTP with.
    public func localKey(for role: DTLSRole) -> [UInt8] { role == .client ? clientWriteKey : serverWriteKey }
    /// The master salt this endpoint protects outgoing SRTP with.
    public func localSalt(for role: DTLSRole) -> [UInt8] { role == .client ? clientWriteSalt : serverWriteSalt }
    /// The master key this endpoint unprotects incoming SRTP with (the peer's write key).
    public func remoteKey(for role: DTLSRole) -> [UInt8] { role == .client ? serverWriteKey : clientWriteKey }
    /// The master salt this endpoint unprotects incoming SRTP with (the peer's write salt).
    public func remoteSalt(for role: DTLSRole) -> [UInt8] { role == .client ? serverWriteSalt : clientWriteSalt }
}

/// Which side of the DTLS handshake an endpoint plays; SDP `a=setup:active` is the client, `passive` the server
/// (RFC 8842 §5).
public enum DTLSRole: Sendable, Hashable {
    /// Sends the ClientHello (`a=setup:active`).
    case client
    /// Waits for the ClientHello (`a=setup:passive`).
    case server
}
