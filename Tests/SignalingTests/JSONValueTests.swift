import Signaling
import Testing

@Suite struct JSONValueTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONValue(parsing: #" {"a": [1, -2.5e3, true, false, null], "b": "x\"\u00e9\ud83d\ude00\n"} "#)
        #expect(value["a"] == [1, -2500, true, false, nil])
        #expect(value["b"]?.stringValue == "x\"é😀\n")
        #expect(value["a"]?[0]?.intValue == 1)
        #expect(value["a"]?[1]?.intValue == -2500)
        #expect(value["missing"] == nil)
    }

    @Test func serializesCompactWithSortedKeys() {
        let value: JSONValue = ["z": 1, "a": ["x", 1.5, nil, true], "m": ["k": "\u{01}\"\\"]]
        #expect(value.serialized == #"{"a":["x",1.5,null,true],"m":{"k":"\u0001\"\\"},"z":1}"#)
    }

    @Test func roundTrips() throws {
        let texts = [#"[]"#, #"{}"#, #"[0.1,1e+20,-3]"#, #""é€""#, #"{"sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}"#]
        for text in texts {
            let value = try JSONValue(parsing: text)
            #expect(try JSONValue(parsing: value.serialized) == value)
        }
    }

    @Test(arguments: ["", "[", "{\"a\"}", "[1,]", "01", "1.", "-", "\"\u{01}\"", "tru", "[1] x", "{\"a\":1,}",
                      "1e999", "\"\\x\"", "\"\\u12\"", "nul"])
    func rejectsMalformed(text: String) {
        #expect(throws: JSONError.self) { try JSONValue(parsing: text) }
    }

    @Test func limitsDepth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONError(.tooDeep, at: 64)) { try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect((try? JSONValue(parsing: fine)) != nil)
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
    }

    @Test func loneSurrogateBecomesReplacementCharacter() throws {
        #expect(try JSONValue(parsing: #""\ud800x""#) == "\u{FFFD}x")
    }
}
