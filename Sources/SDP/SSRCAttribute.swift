import Wire

/// `a=ssrc` (RFC 5576 §4.1): a source attribute such as the CNAME of one RTP stream.
///
/// ```
/// a=ssrc:<ssrc-id> <attribute>
/// a=ssrc:<ssrc-id> <attribute>:<value>
/// a=ssrc:3312860900 cname:plXX3niswsDssBWF
/// a=ssrc:3312860900 msid:- 139a05a6-f259-427e-a65b-1a86329353f8
/// ```
public struct SSRCAttribute: SDPAttributeValue {
    /// `ssrc`.
    public static let attributeName = "ssrc"
    /// The stream this describes.
    public var ssrc: SSRC
    /// The source attribute's name, such as `cname` or `msid`.
    public var name: String
    /// The source attribute's value; it may contain spaces (`msid:<stream> <track>`).
    public var value: String?

    /// The source attribute `name`[:`value`] of `ssrc`.
    public init(ssrc: SSRC, name: String, value: String? = nil) {
        self.ssrc = ssrc
        self.name = name
        self.value = value
    }

    /// Parses the text after `ssrc:`.
    public init(parsing text: String) throws(SDPError) {
        let (idText, rest) = SDPText.splitOnce(text, at: SDPText.space)
        guard let id = SDPText.decimal(idText, as: UInt32.self), let rest else {
            throw SDPError(text: text, reason: .badSSRC)
        }
        let (name, value) = SDPText.splitOnce(rest, at: SDPText.colon)
        guard !name.isEmpty else { throw SDPError(text: text, reason: .badSSRC) }
        self.init(ssrc: SSRC(id), name: name, value: value)
    }

    /// The text after `ssrc:`.
    public var attributeValue: String { "\(ssrc) \(name)" + (value.map { ":\($0)" } ?? "") }
}
