/// `a=extmap` (RFC 8285 §8): an RTP header extension and the local id it uses in packets.
///
/// ```
/// a=extmap:<value>["/"<direction>] <URI> <extensionattributes>
/// a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
/// a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level
/// ```
public struct ExtensionMap: SDPAttributeValue {
    /// `extmap`.
    public static let attributeName = "extmap"
    /// The id in packets: 1-14 for one-byte headers, up to 255 for two-byte headers (RFC 8285 §5).
    public var id: UInt16
    /// The direction the extension is used in, when restricted.
    public var direction: MediaDirection?
    /// The extension's URI.
    public var uri: String
    /// Extension-specific attributes after the URI, as written.
    public var extensionAttributes: String?

    /// Extension `uri` sent with `id`.
    public init(id: UInt16, uri: String, direction: MediaDirection? = nil, extensionAttributes: String? = nil) {
        self.id = id
        self.direction = direction
        self.uri = uri
        self.extensionAttributes = extensionAttributes
    }

    /// Parses the text after `extmap:`.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard fields.count >= 2 else { throw SDPError(text: value, reason: .badExtensionMap) }
        let (idText, directionText) = SDPText.splitOnce(fields[0], at: SDPText.slash)
        guard let id = SDPText.decimal(idText, as: UInt16.self), id > 0 else {
            throw SDPError(text: value, reason: .badExtensionMap)
        }
        var direction: MediaDirection?
        if let directionText {
            guard let parsed = MediaDirection(rawValue: directionText) else {
                throw SDPError(text: value, reason: .badExtensionMap)
            }
            direction = parsed
        }
        let attributes = fields.count > 2 ? fields[2...].joined(separator: " ") : nil
        self.init(id: id, uri: fields[1], direction: direction, extensionAttributes: attributes)
    }

    /// The text after `extmap:`.
    public var attributeValue: String {
        let head = direction.map { "\(id)/\($0)" } ?? "\(id)"
        return "\(head) \(uri)" + (extensionAttributes.map { " \($0)" } ?? "")
    }
}

extension ExtensionMap {
    /// The MID header extension (RFC 9143 §15.1), needed for BUNDLE demultiplexing.
    public static let midURI = "urn:ietf:params:rtp-hdrext:sdes:mid"
    /// Absolute send time (webrtc.org abs-send-time).
    public static let absSendTimeURI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    /// Transport-wide sequence numbers for congestion control.
    public static let transportCCURI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
    /// Client-to-mixer audio level (RFC 6464).
    public static let audioLevelURI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
}
