import Wire

/// `a=group` (RFC 5888 §5): media sections that belong together; with `BUNDLE` semantics (RFC 9143 §7) they share
/// one transport.
///
/// ```
/// a=group:<semantics> *(SP <identification-tag>)
/// a=group:BUNDLE 0 1 2
/// ```
public struct MediaGroup: SDPAttributeValue {
    /// `group`.
    public static let attributeName = "group"
    /// `BUNDLE`, `LS`, `FID`, ...
    public var semantics: String
    /// The `a=mid` tags of the grouped sections, in order; for BUNDLE the first one is the tagged section.
    public var mids: [Mid]

    /// A group of `mids` with `semantics`.
    public init(semantics: String, mids: [Mid]) {
        self.semantics = semantics
        self.mids = mids
    }

    /// A BUNDLE group of `mids`.
    public static func bundle(_ mids: [Mid]) -> MediaGroup { MediaGroup(semantics: "BUNDLE", mids: mids) }

    /// True for BUNDLE semantics.
    public var isBundle: Bool { semantics == "BUNDLE" }

    /// Parses the text after `group:`.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard let semantics = fields.first else { throw SDPError(text: value, reason: .badGroup) }
        self.init(semantics: semantics, mids: fields.dropFirst().map(Mid.init(rawValue:)))
    }

    /// The text after `group:`.
    public var attributeValue: String { ([semantics] + mids.map(\.rawValue)).joined(separator: " ") }
}
