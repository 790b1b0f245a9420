import Testing
import Wire

@Suite struct ICEServerURLTests {
    @Test(arguments: [
        ("stun:192.0.2.1", "stun:192.0.2.1:3478"),
        ("stun:stun.example.org:19302", "stun:stun.example.org:19302"),
        ("STUN:Stun.Example.ORG", "stun:stun.example.org:3478"),
        ("stuns:stun.example.org", "stuns:stun.example.org:5349"),
        ("turn:203.0.113.10", "turn:203.0.113.10:3478?transport=udp"),
        ("turn:203.0.113.10:3478?transport=udp", "turn:203.0.113.10:3478?transport=udp"),
        ("turn:turn.example:443?transport=tcp", "turn:turn.example:443?transport=tcp"),
        ("turn:turn.example?transport=TCP", "turn:turn.example:3478?transport=tcp"),
        ("turns:turn.example", "turns:turn.example:5349?transport=tcp"),
        ("turns:turn.example:443?transport=tcp", "turns:turn.example:443?transport=tcp"),
        ("turn:[::1]", "turn:[::1]:3478?transport=udp"),
        ("stun:[2001:DB8:0:0:0:0:0:1]:3479", "stun:[2001:db8::1]:3479"),
        ("turns:[2001:db8::1]:5349?transport=tcp", "turns:[2001:db8::1]:5349?transport=tcp"),
        ("stun:a_b-c~d.local:1", "stun:a_b-c~d.local:1"),
        ("stun:host:65535", "stun:host:65535"),
        ("stun:host:00080", "stun:host:80"),
    ])
    func parsesToCanonicalForm(text: String, canonical: String) throws {
        let url = try ICEServerURL(parsing: text)
        #expect(url.description == canonical)
        #expect(try ICEServerURL(parsing: canonical) == url)
    }

    @Test func defaultsAndProperties() throws {
        let stun = try ICEServerURL(parsing: "stun:192.0.2.1")
        #expect(stun.scheme == .stun && stun.port == 3478 && stun.transport == .udp)
        #expect(!stun.isTLS && !stun.isTURN && stun.address == IPAddress("192.0.2.1"))
        let stuns = try ICEServerURL(parsing: "stuns:stun.example")
        #expect(stuns.port == 5349 && stuns.transport == .tcp && stuns.isTLS && stuns.address == nil)
        let turn = try ICEServerURL(parsing: "turn:[2001:db8::9]:3479")
        #expect(turn.scheme == .turn && turn.host == "2001:db8::9" && turn.port == 3479 && turn.transport == .udp)
        #expect(turn.isTURN && !turn.isTLS && turn.address == IPAddress("2001:db8::9"))
        let turns = try ICEServerURL(parsing: "turns:turn.example")
        #expect(turns.scheme == .turns && turns.port == 5349 && turns.transport == .tcp && turns.isTURN && turns.isTLS)
    }

    @Test(arguments: [
        ("", ICEServerURLError.empty),
        ("stun.example.org", .unknownScheme("")),
        ("http://example.org", .unknownScheme("http")),
        ("turn://turn.example", .authority),
        ("turn:user:pass@turn.example:3478", .credentials),
        ("stun:", .missingHost),
        ("stun::3478", .missingHost),
        ("turn:?transport=udp", .missingHost),
        ("stun:exa mple.org", .invalidHost("exa mple.org")),
        ("stun:exämple.org", .invalidHost("exämple.org")),
        ("stun:1.2.3.256", .invalidHost("1.2.3.256")),
        ("stun:[::1", .invalidHost("[::1")),
        ("stun:[192.0.2.1]", .invalidHost("[192.0.2.1]")),
        ("stun:[fe80::1%25eth0]", .invalidHost("[fe80::1%25eth0]")),
        ("stun:[::1]3478", .invalidHost("[::1]3478")),
        ("stun:2001:db8::1", .unbracketedIPv6("2001:db8::1")),
        ("stun:a:b:c", .invalidHost("a:b:c")),
        ("turn:x:99999", .invalidPort("99999")),
        ("turn:x:0", .invalidPort("0")),
        ("turn:x:", .invalidPort("")),
        ("turn:x:+80", .invalidPort("+80")),
        ("turn:x:http", .invalidPort("http")),
        ("turn:[::1]:", .invalidPort("")),
        ("stun:x?transport=udp", .queryOnSTUN),
        ("turn:x?proto=udp", .invalidQuery("proto=udp")),
        ("turn:x?transport=udp&y=1", .invalidQuery("transport=udp&y=1")),
        ("turn:x?transport=sctp", .unknownTransport("sctp")),
        ("turn:x?transport=", .unknownTransport("")),
        ("turns:x?transport=udp", .udpOverTLS),
    ])
    func rejectsWithTypedError(text: String, expected: ICEServerURLError) {
        #expect(throws: expected) { try ICEServerURL(parsing: text) }
    }

    @Test func errorsReadAsSentences() {
        #expect(ICEServerURLError.invalidPort("99999").description == "the port must be 1 to 65535")
        #expect(ICEServerURLError.invalidPort("x").description == "the port \"x\" is not a number from 1 to 65535")
        #expect(ICEServerURLError.unknownScheme("").description
            == "the URL must start with stun:, stuns:, turn: or turns:")
        #expect(ICEServerURLError.udpOverTLS.description == "turns: runs TLS over TCP, so its transport cannot be udp")
    }

    @Test func longAndOddInputNeverTraps() {
        let inputs = ["turn:" + String(repeating: "a", count: 300), "stun:x:" + String(repeating: "9", count: 40),
                      "stun:[" + String(repeating: ":", count: 50) + "]", "turn:\u{0}",
                      "turn:x?transport=udp?transport=tcp", ":", "::", "turn:[]", "stun:[]:1"]
        for input in inputs {
            #expect(throws: ICEServerURLError.self) { try ICEServerURL(parsing: input) }
        }
    }
}
