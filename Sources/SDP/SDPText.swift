/// Byte-level text helpers for SDP fields.
///
/// SDP separators are all ASCII, so splitting the UTF-8 bytes at them always leaves valid UTF-8 and keeps the text
/// byte for byte. Splitting Swift `Character`s instead would not: a space followed by a combining mark is one
/// grapheme, and "\r\n" is one `Character`.
enum SDPText {
    static let space = UInt8(ascii: " ")
    static let colon = UInt8(ascii: ":")
    static let slash = UInt8(ascii: "/")

    /// The non-empty pieces of `text` between `separator` bytes.
    static func fields(_ text: String, separator: UInt8 = space) -> [String] {
        Array(text.utf8).split(separator: separator).map { String(decoding: $0, as: UTF8.self) }
    }

    /// All pieces of `text` between `separator` bytes, empty ones included.
    static func pieces(_ text: String, separator: UInt8) -> [String] {
        Array(text.utf8).split(separator: separator, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// `text` cut at the first `separator`: the part before it, and the part after it (nil when there is none).
    static func splitOnce(_ text: String, at separator: UInt8) -> (head: String, tail: String?) {
        let bytes = Array(text.utf8)
        guard let index = bytes.firstIndex(of: separator) else { return (text, nil) }
        return (String(decoding: bytes[..<index], as: UTF8.self),
                String(decoding: bytes[(index + 1)...], as: UTF8.self))
    }

    /// A decimal number made of ASCII digits only (no sign, no spaces, which `Int("+5")` would accept), or nil
    /// when it is empty, has another character or does not fit `T`.
    static func decimal<T: FixedWidthInteger>(_ text: String, as type: T.Type = T.self) -> T? {
        var value: T = 0
        var count = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(T(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            count += 1
        }
        return count > 0 ? value : nil
    }

    /// True when `text` consists of ASCII digits only and is not empty.
    static func isDigits(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// True when `text` is not empty and has no space: the shape of a token-like attribute value.
    static func isWord(_ text: String) -> Bool {
        !text.isEmpty && !text.utf8.contains(space)
    }

    /// `text` without leading and trailing ASCII spaces and tabs.
    static func trimmed(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let isBlank = { (byte: UInt8) in byte == space || byte == UInt8(ascii: "\t") }
        guard let start = bytes.firstIndex(where: { !isBlank($0) }),
              let end = bytes.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
