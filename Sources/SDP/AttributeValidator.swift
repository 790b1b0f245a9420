/// Checks the attributes the typed model reads, so a description that parses can always be read through it (the
/// typed views never meet a line they cannot understand), and broken input is reported on its line.
enum AttributeValidator {
    /// Throws when `attribute` is one the model knows and its value does not follow its grammar. Unknown
    /// attributes are accepted as they are (RFC 8866 §5.13: ignore what you do not understand).
    static func validate(_ attribute: SDPAttribute) throws(SDPError) {
        let value = attribute.value ?? ""
        switch attribute.name {
        case RTPMap.attributeName: _ = try RTPMap(parsing: value)
        case FormatParameters.attributeName: _ = try FormatParameters(parsing: value)
        case RTCPFeedback.attributeName: _ = try RTCPFeedback(parsing: value)
        case ExtensionMap.attributeName: _ = try ExtensionMap(parsing: value)
        case SSRCAttribute.attributeName: _ = try SSRCAttribute(parsing: value)
        case SSRCGroup.attributeName: _ = try SSRCGroup(parsing: value)
        case MediaGroup.attributeName: _ = try MediaGroup(parsing: value)
        case MsidSemantic.attributeName: _ = try MsidSemantic(parsing: value)
        case MediaStreamID.attributeName: _ = try MediaStreamID(parsing: value)
        case Fingerprint.attributeName: _ = try Fingerprint(parsing: value)
        case SetupRole.attributeName: _ = try SetupRole(parsing: value)
        case ICECandidate.attributeName: _ = try ICECandidate(parsingValue: value)
        case RTCPAttribute.attributeName: _ = try RTCPAttribute(parsing: value)
        case "mid":
            guard SDPText.isWord(value) else { throw SDPError(text: value, reason: .badMid) }
        case "ice-ufrag", "ice-pwd":
            guard SDPText.isWord(value) else { throw SDPError(text: value, reason: .badICECredential) }
        case "sctp-port", "max-message-size":
            guard SDPText.decimal(value, as: UInt64.self) != nil else {
                throw SDPError(text: value, reason: .badNumber)
            }
        default:
            guard !attribute.name.isEmpty else { throw SDPError(text: value, reason: .badAttribute) }
        }
    }
}
