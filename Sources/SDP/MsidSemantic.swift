/// `a=msid-semantic`: the session-level WebRTC media stream semantic (from draft-ietf-mmusic-msid, still written by
/// browsers).
///
/// ```
/// a=msid-semantic:<semantic> [<stream id> ...]
/// a=msid-semantic:WMS *
/// a=msid-semantic: WMS          (Chromium puts a space after the colon)
/// ```
public struct MsidSemantic: SDPAttributeValue {
    /// `msid-semantic`.
    public static let attributeName = "msid-semantic"
    /// `WMS`.
    public var semantic: String
    /// Stream ids, or `*` for all.
    public var identifiers: [String]

    /// A semantic with its identifiers; the default is the common `WMS *`.
    public init(semantic: String = "WMS", identifiers: [String] = ["*"]) {
        self.semantic = semantic
        self.identifiers = identifiers
    }

    /// Parses the text after `msid-semantic:`.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard let semantic = fields.first else { throw SDPError(text: value, reason: .badMsidSemantic) }
        self.init(semantic: semantic, identifiers: Array(fields.dropFirst()))
    }

    /// The text after `msid-semantic:`.
    public var attributeValue: String { ([semantic] + identifiers).joined(separator: " ") }
}
