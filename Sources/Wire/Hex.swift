/// Hexadecimal helpers for fingerprints, logs and test vectors.
public enum Hex {
    /// Lower-case hex digits of `bytes`, optionally separated (SDP fingerprints use ":" and upper case).
    public static func encode<Bytes: Sequence>(_ bytes: Bytes, separator: String = "", uppercase: Bool = false)
        -> String where Bytes.Element == UInt8
    {
        let digits = Array(uppercase ? "0123456789ABCDEF" : "0123456789abcdef")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]]) }.joined(separator: separator)
    }

    /// The bytes written by `text`, ignoring whitespace and ":" separators; nil on any other character or an odd
    /// number of digits.
    public static func decode(_ text: String) -> [UInt8]? {
        var result = [UInt8]()
        var high: UInt8?
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ":"):
                continue
            default: return nil
            }
            if let pending = high {
                result.append(pending << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return high == nil ? result : nil
    }
}
