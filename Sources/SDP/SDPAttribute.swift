/// An `a=` attribute (RFC 8866 §5.13): a property flag such as `rtcp-mux`, or a value attribute such as
/// `mid:0`.
///
/// ```
/// attribute-fields = *(%d97 "=" attribute CRLF)
/// attribute        = (attribute-name ":" attribute-value) / attribute-name
/// ```
public struct SDPAttribute: Hashable, Sendable, CustomStringConvertible {
    /// The name before the first colon.
    public var name: String
    /// Everything after the first colon; nil for a property attribute without a colon. `a=x:` has the value "".
    public var value: String?

    /// The attribute `name`, with `value` when it has one.
    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// The attribute written after `a=`, split at its first colon.
    public init(parsing text: String) {
        let (head, tail) = SDPText.splitOnce(text, at: SDPText.colon)
        name = head
        value = tail
    }

    /// The text after `a=`: `name` or `name:value`.
    public var text: String { value.map { "\(name):\($0)" } ?? name }

    /// Same as `text`.
    public var description: String { text }
}

/// A typed attribute value that knows its attribute name, parses the text after `name:` and writes it back.
///
/// For every value `v` produced by `init(parsing:)`, `init(parsing: v.attributeValue)` gives back `v`; the fuzz
/// target checks this.
public protocol SDPAttributeValue: Equatable, Sendable {
    /// The attribute name, as in `rtpmap`.
    static var attributeName: String { get }
    /// Parses the text after `name:`.
    init(parsing value: String) throws(SDPError)
    /// The text after `name:`.
    var attributeValue: String { get }
}

extension SDPAttributeValue {
    /// The whole attribute.
    public var attribute: SDPAttribute { SDPAttribute(name: Self.attributeName, value: attributeValue) }
    /// The `a=` line carrying this value.
    public var line: SDPLine { SDPLine(attribute) }
}
