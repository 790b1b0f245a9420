import Wire

/// A feedback mechanism a codec supports: the part of `a=rtcp-fb` after the payload type.
public struct FeedbackMechanism: Hashable, Sendable, CustomStringConvertible {
    /// The feedback type: `nack`, `ccm`, `goog-remb`, `transport-cc`, ...
    public var type: String
    /// The subtype, such as `pli` in `nack pli` or `fir` in `ccm fir`.
    public var parameter: String?

    /// The mechanism `type` [`parameter`].
    public init(type: String, parameter: String? = nil) {
        self.type = type
        self.parameter = parameter
    }

    /// Generic NACK for retransmission (RFC 4585 §6.2.1).
    public static let nack = FeedbackMechanism(type: "nack")
    /// Picture loss indication (RFC 4585 §6.3.1).
    public static let pli = FeedbackMechanism(type: "nack", parameter: "pli")
    /// Full intra request (RFC 5104 §4.3.1).
    public static let fir = FeedbackMechanism(type: "ccm", parameter: "fir")
    /// Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb).
    public static let remb = FeedbackMechanism(type: "goog-remb")
    /// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions).
    public static let transportCC = FeedbackMechanism(type: "transport-cc")

    /// `type` or `type parameter`.
    public var description: String { parameter.map { "\(type) \($0)" } ?? type }
}

/// `a=rtcp-fb` (RFC 4585 §4.2): an RTCP feedback message a payload type (or every one, `*`) supports.
///
/// ```
/// a=rtcp-fb:<payload type | *> <type> [<parameter>...]
/// a=rtcp-fb:96 nack pli
/// a=rtcp-fb:* ccm fir
/// ```
public struct RTCPFeedback: SDPAttributeValue {
    /// `rtcp-fb`.
    public static let attributeName = "rtcp-fb"
    /// The payload type it applies to, nil for the wildcard `*`.
    public var payloadType: PayloadType?
    /// What feedback is supported.
    public var mechanism: FeedbackMechanism

    /// Feedback `mechanism` for `payloadType` (nil: every payload type).
    public init(payloadType: PayloadType?, mechanism: FeedbackMechanism) {
        self.payloadType = payloadType
        self.mechanism = mechanism
    }

    /// Parses the text after `rtcp-fb:`.
    public init(parsing value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        guard fields.count >= 2 else { throw SDPError(text: value, reason: .badFeedback) }
        if fields[0] == "*" {
            payloadType = nil
        } else if let number = SDPText.decimal(fields[0], as: UInt8.self),
                  let payloadType = PayloadType(rawValue: number) {
            self.payloadType = payloadType
        } else {
            throw SDPError(text: value, reason: .badFeedback)
        }
        let parameter = fields.count > 2 ? fields[2...].joined(separator: " ") : nil
        mechanism = FeedbackMechanism(type: fields[1], parameter: parameter)
    }

    /// The text after `rtcp-fb:`.
    public var attributeValue: String { "\(payloadType.map(\.description) ?? "*") \(mechanism)" }
}
