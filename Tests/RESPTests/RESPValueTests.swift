import Testing
@testable import RESP
@Test func placeholder() { #expect(RESPValue.simpleString("a") == .simpleString("a")) }
