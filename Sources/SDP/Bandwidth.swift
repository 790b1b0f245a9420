/// The `b=` line (RFC 8866 §5.8): a bandwidth limit.
///
/// ```
/// b=<bwtype>:<bandwidth>
/// b=AS:2500            (kilobits per second; TIAS, RFC 3890, is bits per second)
/// ```
public struct Bandwidth: SDPFieldValue {
    /// `b`.
    public static let lineType = SDPLineType.bandwidth
    /// `AS`, `CT`, `TIAS`, ...
    public var type: String
    /// The limit, in the unit `type` defines.
    public var value: UInt64

    /// A limit of `value` in the unit of `type`.
    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }

    /// Parses the text after `b=`.
    public init(parsing text: String) throws(SDPError) {
        let (type, tail) = SDPText.splitOnce(text, at: SDPText.colon)
        guard SDPText.isWord(type), let tail, let value = SDPText.decimal(tail, as: UInt64.self) else {
            throw SDPError(text: text, reason: .badBandwidth)
        }
        self.init(type: type, value: value)
    }

    /// The text after `b=`.
    public var fieldValue: String { "\(type):\(value)" }
}
