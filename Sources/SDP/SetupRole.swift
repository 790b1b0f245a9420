/// `a=setup` (RFC 4145 §4, RFC 8842 §5): which side opens the DTLS connection.
///
/// ```
/// a=setup:<role>    role = "active" / "passive" / "actpass" / "holdconn"
/// ```
public enum SetupRole: String, SDPAttributeValue, CaseIterable, CustomStringConvertible {
    /// Connects: the DTLS client.
    case active
    /// Accepts: the DTLS server.
    case passive
    /// Either; an offer must use this (RFC 8842 §5.2).
    case actpass
    /// No connection for now.
    case holdconn

    /// `setup`.
    public static let attributeName = "setup"

    /// Parses the text after `setup:`.
    public init(parsing value: String) throws(SDPError) {
        guard let role = SetupRole(rawValue: value) else { throw SDPError(text: value, reason: .badSetup) }
        self = role
    }

    /// The text after `setup:`.
    public var attributeValue: String { rawValue }

    /// The role.
    public var description: String { rawValue }
}
