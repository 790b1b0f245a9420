import Wire

/// `a=fmtp` (RFC 8866 §6.15): codec-specific parameters for one format.
///
/// ```
/// a=fmtp:<format> <format specific parameters>
/// a=fmtp:111 minptime=10;useinbandfec=1
/// a=fmtp:97 apt=96
/// ```
///
/// The parameter text is kept as written (its syntax belongs to each codec); `parameters` reads the common
/// `name=value;name=value` form.
public struct FormatParameters: SDPAttributeValue {
    /// `fmtp`.
    public static let attributeName = "fmtp"

    /// One `name[=value]` item of the common `;`-separated form.
    public struct Parameter: Hashable, Sendable {
        /// The name before `=`.
        public var name: String
        /// The text after `=`, nil for a bare name such as `0-15` in telephone-event's fmtp.
        public var value: String?
        /// A parameter `name`, with `value` when it has one.
        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// The format: an RTP payload type as decimal text for RTP media.
    public var format: String
    /// The parameter text after the format and its separating space.
    public var parameterText: String

    /// Parameters for `format` written as `parameterText`.
    public init(format: String, parameterText: String) {
        self.format = format
        self.parameterText = parameterText
    }

    /// Parameters for an RTP payload type, written in the usual `name=value;name=value` form.
    public init(payloadType: PayloadType, parameters: [Parameter]) {
        self.init(format: payloadType.description, parameterText: FormatParameters.text(of: parameters))
    }

    /// Parses the text after `fmtp:`.
    public init(parsing value: String) throws(SDPError) {
        let (format, tail) = SDPText.splitOnce(value, at: SDPText.space)
        guard !format.isEmpty, let tail else { throw SDPError(text: value, reason: .badFormatParameters) }
        self.init(format: format, parameterText: tail)
    }

    /// The format as an RTP payload type, nil when it is not one.
    public var payloadType: PayloadType? {
        SDPText.decimal(format, as: UInt8.self).flatMap(PayloadType.init(rawValue:))
    }

    /// The parameters split at `;` and `=`, surrounding spaces removed.
    public var parameters: [Parameter] {
        SDPText.fields(parameterText, separator: UInt8(ascii: ";")).compactMap { item in
            let (name, value) = SDPText.splitOnce(item, at: UInt8(ascii: "="))
            let trimmedName = SDPText.trimmed(name)
            guard !trimmedName.isEmpty else { return nil }
            return Parameter(name: trimmedName, value: value.map(SDPText.trimmed))
        }
    }

    /// The value of the first parameter called `name` (compared case-insensitively, as codecs define them).
    public func value(of name: String) -> String? {
        parameters.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// `name=value;name=value`.
    static func text(of parameters: [Parameter]) -> String {
        parameters.map { parameter in parameter.value.map { "\(parameter.name)=\($0)" } ?? parameter.name }
            .joined(separator: ";")
    }

    /// The text after `fmtp:`.
    public var attributeValue: String { "\(format) \(parameterText)" }
}
