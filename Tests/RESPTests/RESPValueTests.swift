@testable import RESP
import Testing

/// The RESP3 parser and encoder: every type, split input, limits, and hostile bytes as errors.
@Suite struct RESPParserTests {
    func parseAll(_ text: String) throws -> [RESPValue] {
        var parser = RESPParser()
        parser.append(Array(text.utf8))
        var values: [RESPValue] = []
        while let value = try parser.next() { values.append(value) }
        return values
    }

    @Test func everyType() throws {
        let values = try parseAll(
            "+OK\r\n-ERR no\r\n:-42\r\n$5\r\nhello\r\n$-1\r\n*-1\r\n_\r\n#t\r\n#f\r\n,1.5\r\n,inf\r\n(123456789012345678901\r\n" +
            "!3\r\nbad\r\n=7\r\ntxt:abc\r\n*2\r\n:1\r\n$1\r\nx\r\n%1\r\n+k\r\n:2\r\n~1\r\n+s\r\n|1\r\n+a\r\n+b\r\n:7\r\n" +
            ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\nmsg\r\n")
        #expect(values == [
            .simpleString("OK"), .error("ERR no"), .integer(-42), .bulkString(Array("hello".utf8)), .null, .null, .null,
            .boolean(true), .boolean(false), .double(1.5), .double(.infinity), .bigNumber("123456789012345678901"),
            .error("bad"), .verbatimString(format: "txt", text: "abc"),
            .array([.integer(1), .bulkString([UInt8(ascii: "x")])]),
            .map([RESPPair(.simpleString("k"), .integer(2))]), .set([.simpleString("s")]),
            .attribute([RESPPair(.simpleString("a"), .simpleString("b"))], .integer(7)),
            .push([.bulkString(Array("message".utf8)), .bulkString(Array("ch".utf8)), .bulkString(Array("msg".utf8))]),
        ])
    }

    @Test func valuesSplitAcrossReadsWaitForTheRest() throws {
        let wire = Array("*2\r\n$5\r\nhello\r\n:12\r\n+next\r\n".utf8)
        var parser = RESPParser()
        var values: [RESPValue] = []
        for byte in wire {
            parser.append([byte])
            while let value = try parser.next() { values.append(value) }
        }
        #expect(values == [.array([.bulkString(Array("hello".utf8)), .integer(12)]), .simpleString("next")])
        #expect(parser.bufferedCount == 0)
    }

    @Test func hostileInputIsATypedError() {
        let cases: [(String, RESPError)] = [
            ("?x\r\n", .unknownType(UInt8(ascii: "?"))),
            (":12a\r\n", .badNumber),
            ("$3\r\nabcd\r\n", .missingCRLF),
            ("$999999999999\r\n", .tooLarge),
            ("*99999999\r\n", .tooLarge),
            ("#x\r\n", .malformed),
            ("+a\rb\r\n", .missingCRLF),
            ("+a\nb\r\n", .missingCRLF),
            ("|1\r\n+a\u{1d}\n,1.5\r\n", .missingCRLF),
            ("$-2\r\n", .badNumber),
            ("=2\r\nab\r\n", .malformed),
            ("=7\r\nt\u{7f}x:abc\r\n", .malformed),
        ]
        for (text, expected) in cases {
            #expect(throws: expected) { _ = try parseAll(text) }
        }
        let deep = String(repeating: "*1\r\n", count: 100) + ":1\r\n"
        #expect(throws: RESPError.tooDeep) { _ = try parseAll(deep) }
    }

    @Test func encodingParsesBack() throws {
        let values: [RESPValue] = [
            .simpleString("OK"), .simpleString("two\r\nlines"), .error("ERR x"), .integer(Int64.min), .null,
            .bulkString([0, 13, 10, 255]), .boolean(true), .double(-2.25), .bigNumber("-99"),
            .verbatimString(format: "mkd", text: "# hi"),
            .map([RESPPair(.bulkString(Array("k".utf8)), .array([.integer(1), .set([.null])]))]),
            .attribute([RESPPair(.simpleString("ttl"), .integer(3))], .simpleString("v")),
            .push([.simpleString("message")]),
        ]
        for value in values {
            var parser = RESPParser()
            parser.append(RESPEncoder.encode(value))
            let back = try parser.next()
            if case .simpleString(let text) = value, text.utf8.contains(13) {
                #expect(back == .bulkString(Array(text.utf8)))
            } else {
                #expect(back == value)
            }
        }
    }

    @Test func commandsAreArraysOfBulkStrings() {
        #expect(RESPEncoder.command(["SET", "k", "héllo"]) == Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nhéllo\r\n".utf8))
    }

    @Test func redisURLs() throws {
        #expect(try RedisAddress(url: "redis://127.0.0.1:6390") == RedisAddress(host: "127.0.0.1", port: 6390))
        #expect(try RedisAddress(url: "redis://localhost") == RedisAddress(host: "localhost", port: 6379))
        #expect(try RedisAddress(url: "redis://[::1]:7000/") == RedisAddress(host: "::1", port: 7000))
        for bad in ["http://x", "redis://", "redis://h:0", "redis://h:x", "redis://u@h"] {
            #expect(throws: RedisError.self) { _ = try RedisAddress(url: bad) }
        }
    }
}
