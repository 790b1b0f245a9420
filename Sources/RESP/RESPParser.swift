/// An incremental RESP3 parser (sans-IO): bytes go in with `append`, complete values come out of `next()`; a value
/// split across reads simply waits for more bytes. Limits on sizes and nesting make hostile input an error, never
/// a crash or an unbounded allocation.
public struct RESPParser: Sendable {
    /// The largest bulk string accepted, in bytes (Redis's own default `proto-max-bulk-len` is 512 MB).
    public let maxBulkLength: Int
    /// The most elements one aggregate may announce.
    public let maxElements: Int
    /// The deepest nesting of aggregates.
    public let maxDepth: Int
    private var buffer: [UInt8] = []
    private var start = 0

    /// A parser with limits suited to a signaling server's replies.
    public init(maxBulkLength: Int = 16 << 20, maxElements: Int = 1 << 20, maxDepth: Int = 32) {
        self.maxBulkLength = maxBulkLength
        self.maxElements = maxElements
        self.maxDepth = maxDepth
    }

    /// Bytes not yet consumed.
    public var bufferedCount: Int { buffer.count - start }

    /// Adds bytes read from the connection.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete value, or nil until more bytes arrive. After an error the stream cannot be trusted: the
    /// owner should close the connection.
    public mutating func next() throws(RESPError) -> RESPValue? {
        var index = start
        guard let value = try parse(&index, depth: 0) else { return nil }
        start = index
        return value
    }

    /// Parses one value at `index`; nil (and `index` untouched in effect) when incomplete.
    private func parse(_ index: inout Int, depth: Int) throws(RESPError) -> RESPValue? {
        guard depth <= maxDepth else { throw .tooDeep }
        guard index < buffer.count else { return nil }
        let type = buffer[index]
        var cursor = index + 1
        guard let line = try readLine(&cursor) else { return nil }
        let value: RESPValue
        switch type {
        case UInt8(ascii: "+"):
            value = .simpleString(String(decoding: line, as: UTF8.self))
        case UInt8(ascii: "-"):
            value = .error(String(decoding: line, as: UTF8.self))
        case UInt8(ascii: ":"):
            value = .integer(try Self.integer(line))
        case UInt8(ascii: "_"):
            guard line.isEmpty else { throw .malformed }
            value = .null
        case UInt8(ascii: "#"):
            guard line.count == 1 else { throw .malformed }
            switch line[line.startIndex] {
            case UInt8(ascii: "t"): value = .boolean(true)
            case UInt8(ascii: "f"): value = .boolean(false)
            default: throw .malformed
            }
        case UInt8(ascii: ","):
            value = .double(try Self.double(line))
        case UInt8(ascii: "("):
            let text = String(decoding: line, as: UTF8.self)
            guard !text.isEmpty, text.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isNumber) else {
                throw .badNumber
            }
            value = .bigNumber(text)
        case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
            let length = try Self.integer(line)
            if length == -1, type == UInt8(ascii: "$") {
                value = .null
                break
            }
            guard length >= 0 else { throw .badNumber }
            guard length <= maxBulkLength else { throw .tooLarge }
            let count = Int(length)
            guard buffer.count - cursor >= count + 2 else { return nil }
            let bytes = Array(buffer[cursor..<(cursor + count)])
            guard buffer[cursor + count] == 13, buffer[cursor + count + 1] == 10 else { throw .missingCRLF }
            cursor += count + 2
            switch type {
            case UInt8(ascii: "$"): value = .bulkString(bytes)
            case UInt8(ascii: "!"): value = .error(String(decoding: bytes, as: UTF8.self))
            default:
                // The format is three ASCII letters or digits, such as `txt` or `mkd`.
                guard bytes.count >= 4, bytes[3] == UInt8(ascii: ":"),
                      bytes[0..<3].allSatisfy({ $0 < 0x80 && (Character(Unicode.Scalar($0)).isLetter
                                                              || Character(Unicode.Scalar($0)).isNumber) })
                else { throw .malformed }
                value = .verbatimString(format: String(decoding: bytes[0..<3], as: UTF8.self),
                                        text: String(decoding: bytes[4...], as: UTF8.self))
            }
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"):
            let length = try Self.integer(line)
            if length == -1, type == UInt8(ascii: "*") {
                value = .null
                break
            }
            guard length >= 0 else { throw .badNumber }
            guard length <= maxElements else { throw .tooLarge }
            var elements: [RESPValue] = []
            for _ in 0..<Int(length) {
                guard let element = try parse(&cursor, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            switch type {
            case UInt8(ascii: "*"): value = .array(elements)
            case UInt8(ascii: "~"): value = .set(elements)
            default: value = .push(elements)
            }
        case UInt8(ascii: "%"), UInt8(ascii: "|"):
            let length = try Self.integer(line)
            guard length >= 0 else { throw .badNumber }
            guard length <= maxElements / 2 else { throw .tooLarge }
            var pairs: [RESPPair] = []
            for _ in 0..<Int(length) {
                guard let key = try parse(&cursor, depth: depth + 1),
                      let element = try parse(&cursor, depth: depth + 1) else { return nil }
                pairs.append(RESPPair(key, element))
            }
            if type == UInt8(ascii: "%") {
                value = .map(pairs)
            } else {
                // Attributes describe the reply that follows them.
                guard let described = try parse(&cursor, depth: depth + 1) else { return nil }
                value = .attribute(pairs, described)
            }
        default:
            throw .unknownType(type)
        }
        index = cursor
        return value
    }

    /// The bytes up to the next CRLF, moving `cursor` past it; nil when no CRLF has arrived yet.
    private func readLine(_ cursor: inout Int) throws(RESPError) -> ArraySlice<UInt8>? {
        var end = cursor
        while end < buffer.count, buffer[end] != 13 {
            // A bare LF inside a line is not RESP: lines end with CRLF and carry neither byte.
            if buffer[end] == 10 { throw .missingCRLF }
            end += 1
            if end - cursor > 64 * 1024 { throw .tooLarge }
        }
        guard end + 1 < buffer.count else { return nil }
        guard buffer[end + 1] == 10 else { throw .missingCRLF }
        let line = buffer[cursor..<end]
        cursor = end + 2
        return line
    }

    private static func integer(_ line: ArraySlice<UInt8>) throws(RESPError) -> Int64 {
        guard line.count <= 20, let value = Int64(String(decoding: line, as: UTF8.self)) else { throw .badNumber }
        return value
    }

    private static func double(_ line: ArraySlice<UInt8>) throws(RESPError) -> Double {
        let text = String(decoding: line, as: UTF8.self)
        switch text {
        case "inf": return .infinity
        case "-inf": return -.infinity
        case "nan": return .nan
        default:
            guard text.count <= 64, let value = Double(text) else { throw .badNumber }
            return value
        }
    }
}
