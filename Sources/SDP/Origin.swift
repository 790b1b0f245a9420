/// The `o=` line (RFC 8866 §5.2): who made the session description, and its identity and version.
///
/// ```
/// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
/// o=- 4611731400430051336 2 IN IP4 127.0.0.1
/// ```
public struct Origin: SDPFieldValue {
    /// `o`.
    public static let lineType = SDPLineType.origin
    /// The user name, `-` when there is none (JSEP always writes `-`).
    public var username: String
    /// The session id: a numeric string that never changes for the session (RFC 8829 §5.2.1). Kept as text
    /// because the grammar allows any number of digits.
    public var sessionID: String
    /// The version, which JSEP increases whenever the description changes (RFC 8829 §5.2.2).
    public var sessionVersion: UInt64
    /// `IN` for the Internet.
    public var networkType: String
    /// `IP4` or `IP6`.
    public var addressType: String
    /// The address of the machine that made the description; JSEP uses a dummy such as 127.0.0.1 or 0.0.0.0.
    public var unicastAddress: String

    /// An origin with the given fields; the defaults are what JSEP writes.
    public init(username: String = "-", sessionID: String, sessionVersion: UInt64, networkType: String = "IN",
                addressType: String = "IP4", unicastAddress: String = "127.0.0.1") {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.unicastAddress = unicastAddress
    }

    /// Parses the text after `o=`.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard fields.count == 6, SDPText.isDigits(fields[1]),
              let version = SDPText.decimal(fields[2], as: UInt64.self) else {
            throw SDPError(text: value, reason: .badOrigin)
        }
        self.init(username: fields[0], sessionID: fields[1], sessionVersion: version, networkType: fields[3],
                  addressType: fields[4], unicastAddress: fields[5])
    }

    /// The text after `o=`.
    public var fieldValue: String {
        "\(username) \(sessionID) \(sessionVersion) \(networkType) \(addressType) \(unicastAddress)"
    }
}
