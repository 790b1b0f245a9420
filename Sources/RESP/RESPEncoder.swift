/// Encodes RESP values. Commands go to the server as arrays of bulk strings (RESP3 "Client handshake"), which is
/// all a client sends; every value can be encoded, so tests and the fuzz target can check that parsing the
/// encoding gives the value back.
public enum RESPEncoder {
    /// A command, e.g. `["SET", "key", "value"]`, as an array of bulk strings.
    public static func command(_ arguments: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 + arguments.reduce(0) { $0 + $1.utf8.count + 16 })
        bytes += Array("*\(arguments.count)\r\n".utf8)
        for argument in arguments {
            bytes += Array("$\(argument.utf8.count)\r\n".utf8)
            bytes += Array(argument.utf8)
            bytes += [13, 10]
        }
        return bytes
    }

    /// `value` in RESP3. Simple strings and errors must not contain CR or LF (they are sent as blob errors then).
    public static func encode(_ value: RESPValue) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(value, into: &bytes)
        return bytes
    }

    private static func encode(_ value: RESPValue, into bytes: inout [UInt8]) {
        func line(_ type: Character, _ text: String) {
            bytes += Array("\(type)\(text)\r\n".utf8)
        }
        func blob(_ type: Character, _ payload: [UInt8]) {
            line(type, String(payload.count))
            bytes += payload
            bytes += [13, 10]
        }
        switch value {
        case .simpleString(let text):
            if text.utf8.contains(where: { $0 == 13 || $0 == 10 }) { blob("$", Array(text.utf8)) } else { line("+", text) }
        case .error(let text):
            if text.utf8.contains(where: { $0 == 13 || $0 == 10 }) { blob("!", Array(text.utf8)) } else { line("-", text) }
        case .integer(let number): line(":", String(number))
        case .bulkString(let payload): blob("$", payload)
        case .null: line("_", "")
        case .boolean(let flag): line("#", flag ? "t" : "f")
        case .double(let number):
            line(",", number.isNaN ? "nan" : number == .infinity ? "inf" : number == -.infinity ? "-inf" : "\(number)")
        case .bigNumber(let text): line("(", text)
        case .verbatimString(let format, let text): blob("=", Array((format + ":" + text).utf8))
        case .array(let values):
            line("*", String(values.count))
            for element in values { encode(element, into: &bytes) }
        case .set(let values):
            line("~", String(values.count))
            for element in values { encode(element, into: &bytes) }
        case .push(let values):
            line(">", String(values.count))
            for element in values { encode(element, into: &bytes) }
        case .map(let pairs):
            line("%", String(pairs.count))
            for pair in pairs {
                encode(pair.key, into: &bytes)
                encode(pair.value, into: &bytes)
            }
        case .attribute(let pairs, let described):
            line("|", String(pairs.count))
            for pair in pairs {
                encode(pair.key, into: &bytes)
                encode(pair.value, into: &bytes)
            }
            encode(described, into: &bytes)
        }
    }
}
