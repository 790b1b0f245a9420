import Wire

/// `a=ssrc-group` (RFC 5576 §4.2): streams that belong together, such as a stream and its retransmission stream
/// (`FID`, RFC 4588) or simulcast layers (`SIM`).
///
/// ```
/// a=ssrc-group:<semantics> <ssrc-id> ...
/// a=ssrc-group:FID 2424588183 4185711833
/// ```
public struct SSRCGroup: SDPAttributeValue {
    /// `ssrc-group`.
    public static let attributeName = "ssrc-group"
    /// How the streams relate: `FID`, `SIM`, `FEC`, ...
    public var semantics: String
    /// The streams, in order (for FID: the media stream, then its RTX stream).
    public var ssrcs: [SSRC]

    /// A group of `ssrcs` with `semantics`.
    public init(semantics: String, ssrcs: [SSRC]) {
        self.semantics = semantics
        self.ssrcs = ssrcs
    }

    /// Flow identification: a media stream and its RTX retransmission stream.
    public static func fid(media: SSRC, retransmission: SSRC) -> SSRCGroup {
        SSRCGroup(semantics: "FID", ssrcs: [media, retransmission])
    }

    /// Parses the text after `ssrc-group:`.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard fields.count >= 2 else { throw SDPError(text: value, reason: .badSSRCGroup) }
        var ssrcs = [SSRC]()
        for field in fields[1...] {
            guard let id = SDPText.decimal(field, as: UInt32.self) else {
                throw SDPError(text: value, reason: .badSSRCGroup)
            }
            ssrcs.append(SSRC(id))
        }
        self.init(semantics: fields[0], ssrcs: ssrcs)
    }

    /// The text after `ssrc-group:`.
    public var attributeValue: String { ([semantics] + ssrcs.map(\.description)).joined(separator: " ") }
}
