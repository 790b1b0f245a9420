import Testing
import Wire

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"),
        ("192.0.2.33", "192.0.2.33"),
        ("::1", "::1"),
        ("2001:db8:1234:5678:11:2233:4455:6677", "2001:db8:1234:5678:11:2233:4455:6677"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("::ffff:192.0.2.1", "::ffff:c000:201"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("::", "::"),
    ])
    func parsesAndPrintsCanonically(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
        #expect(IPAddress(bytes: address.bytes) == address)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.256", "1.2.3.4.5", "a.b.c.d", "1::2::3", "12345::", ":::", "host.local",
                      "1:2:3:4:5:6:7:8:9", "1.2.3.04x"])
    func rejectsNonAddresses(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func classifiesScopes() throws {
        #expect(try #require(IPAddress("127.3.4.5")).isLoopback)
        #expect(try #require(IPAddress("::1")).isLoopback)
        #expect(try #require(IPAddress("169.254.1.1")).isLinkLocal)
        #expect(try #require(IPAddress("fe80::abcd")).isLinkLocal)
        #expect(!(try #require(IPAddress("10.0.0.1")).isLoopback))
        #expect(TransportAddress(ip: .v4(127, 0, 0, 1), port: 5000).description == "127.0.0.1:5000")
        #expect(TransportAddress(ip: try #require(IPAddress("::1")), port: 9).description == "[::1]:9")
    }
}
