import COpenSSL
import Foundation

/// The shared secret of a TURN server run with the TURN REST scheme (draft-uberti-behave-turn-rest-00 §2.2; coturn's
/// `use-auth-secret` / `static-auth-secret`): the signaling server mints short-lived TURN credentials that the TURN
/// server checks with the same secret, without either keeping a list of users.
///
/// ```
/// username   = <expiry, Unix seconds> ":" <participant id>     ; e.g. "1700086400:s1"
/// credential = base64( HMAC-SHA1( secret, username ) )         ; RFC 2104, RFC 4648 §4
/// ```
public struct TURNRESTSecret: Equatable, Sendable, CustomStringConvertible {
    /// How long minted credentials stay valid when no lifetime is given: one day, as coturn's examples use.
    public static let defaultTTL = 86_400

    /// The secret's bytes are its UTF-8 text, as coturn reads `static-auth-secret`.
    public let secret: String
    /// Seconds from minting to the expiry written into the username; positive.
    public let ttl: Int

    /// A secret and the lifetime of the credentials minted with it in seconds (`ttl` below 1 counts as 1).
    public init(_ secret: String, ttl: Int = TURNRESTSecret.defaultTTL) {
        self.secret = secret
        self.ttl = max(ttl, 1)
    }

    /// The TURN username and credential for `participant`, valid `ttl` seconds from `unixTime` (seconds since
    /// the Unix epoch). `nil` only if OpenSSL cannot compute HMAC-SHA1.
    public func credentials(for participant: String, unixTime: Int) -> (username: String, credential: String)? {
        let (expiry, overflow) = unixTime.addingReportingOverflow(ttl)
        let username = "\(overflow ? Int.max : expiry):\(participant)"
        guard let credential = Self.credential(secret: secret, username: username) else { return nil }
        return (username, credential)
    }

    /// base64(HMAC-SHA1(`secret`, `username`)): the password a TURN server with this secret expects for `username`.
    /// `nil` only if OpenSSL cannot compute HMAC-SHA1.
    public static func credential(secret: String, username: String) -> String? {
        // Arrays bridge to non-null pointers even when empty, which OpenSSL needs for a zero-length key or input.
        let key = Array(secret.utf8)
        let input = Array(username.utf8)
        var mac = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard HMAC(EVP_sha1(), key, Int32(clamping: key.count), input, input.count, &mac, &length) != nil else {
            return nil
        }
        return Data(mac[0..<Int(length)]).base64EncodedString()
    }

    /// Names the TTL only: the secret stays out of logs.
    public var description: String { "TURNRESTSecret(ttl: \(ttl) s)" }
}
