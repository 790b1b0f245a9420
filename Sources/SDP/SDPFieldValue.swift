/// A typed value of a non-attribute line (`o=`, `t=`, `c=`, `b=`, `m=`): it knows its line type, parses the text
/// after `=` and writes it back.
public protocol SDPFieldValue: Equatable, Sendable {
    /// The type letter of lines carrying this value.
    static var lineType: SDPLineType { get }
    /// Parses the text after `<type>=`.
    init(parsing value: String) throws(SDPError)
    /// The text after `<type>=`.
    var fieldValue: String { get }
}

extension SDPFieldValue {
    /// The line carrying this value.
    public var line: SDPLine { SDPLine(Self.lineType, fieldValue) }
}
