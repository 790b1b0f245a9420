/// The type letter of an SDP line (RFC 8866 §5): one lower-case ASCII letter before the `=`.
public struct SDPLineType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The letter as an ASCII byte, `a` through `z`.
    public let rawValue: UInt8

    /// Nil unless `rawValue` is a lower-case ASCII letter.
    public init?(rawValue: UInt8) {
        guard rawValue >= UInt8(ascii: "a"), rawValue <= UInt8(ascii: "z") else { return nil }
        self.rawValue = rawValue
    }

    private init(_ letter: Unicode.Scalar) { rawValue = UInt8(letter.value) }

    /// `v=`: protocol version.
    public static let version = SDPLineType("v")
    /// `o=`: originator and session identifier.
    public static let origin = SDPLineType("o")
    /// `s=`: session name.
    public static let sessionName = SDPLineType("s")
    /// `i=`: session or media title.
    public static let information = SDPLineType("i")
    /// `u=`: URI of a description.
    public static let uri = SDPLineType("u")
    /// `e=`: email address.
    public static let email = SDPLineType("e")
    /// `p=`: phone number.
    public static let phone = SDPLineType("p")
    /// `c=`: connection data.
    public static let connection = SDPLineType("c")
    /// `b=`: bandwidth.
    public static let bandwidth = SDPLineType("b")
    /// `t=`: start and stop time.
    public static let timing = SDPLineType("t")
    /// `r=`: repeat times.
    public static let repeatTimes = SDPLineType("r")
    /// `z=`: time zone adjustments.
    public static let timeZones = SDPLineType("z")
    /// `k=`: obsolete encryption key.
    public static let encryptionKey = SDPLineType("k")
    /// `a=`: attribute.
    public static let attribute = SDPLineType("a")
    /// `m=`: media description.
    public static let media = SDPLineType("m")

    /// The letter itself.
    public var description: String { String(Unicode.Scalar(rawValue)) }
}

/// One `<type>=<value>` line of a session description, kept exactly as written so a parsed description serializes
/// back to the same text.
public struct SDPLine: Hashable, Sendable, CustomStringConvertible {
    /// The type letter.
    public let type: SDPLineType
    /// Everything after the `=`, without the line ending.
    public let value: String

    /// A line of `type` carrying `value`. Line breaks and NULs in `value` become spaces: SDP has no escaping, so a
    /// value containing CR or LF would otherwise inject lines into the description.
    public init(_ type: SDPLineType, _ value: String) {
        self.type = type
        let forbidden: Set<UInt8> = [0x00, 0x0A, 0x0D]
        if value.utf8.contains(where: forbidden.contains) {
            self.value = String(decoding: value.utf8.map { forbidden.contains($0) ? SDPText.space : $0 },
                                as: UTF8.self)
        } else {
            self.value = value
        }
    }

    /// The `a=` line carrying `attribute`.
    public init(_ attribute: SDPAttribute) {
        self.init(.attribute, attribute.text)
    }

    /// The attribute on an `a=` line, nil for other line types.
    public var attribute: SDPAttribute? {
        type == .attribute ? SDPAttribute(parsing: value) : nil
    }

    /// The attribute name on an `a=` line, nil for other line types.
    public var attributeName: String? {
        type == .attribute ? SDPText.splitOnce(value, at: SDPText.colon).head : nil
    }

    /// The line as written, without its line ending: `a=mid:0`.
    public var text: String { "\(type)=\(value)" }

    /// Same as `text`.
    public var description: String { text }
}
