import NIOCore
@testable import PeerRuntime
import Testing
import Wire

/// Host address selection and the address conversions between Wire and NIO (no sockets opened).
struct HostAddressTests {
    private func host(_ text: String, _ name: String = "eth0") -> HostAddress {
        HostAddress(ip: IPAddress(text)!, interfaceName: name, interfaceIndex: 2)
    }

    @Test("by default only routable addresses of up interfaces are kept, each once")
    func defaultSelection() {
        let listed: [(HostAddress, isUp: Bool)] = [
            (host("127.0.0.1", "lo"), true), (host("::1", "lo"), true),
            (host("192.0.2.2"), true), (host("fd00::2"), true), (host("fe80::1"), true),
            (host("198.51.100.7", "eth1"), false), (host("0.0.0.0"), true), (host("ff02::1"), true),
            (host("192.0.2.2"), true),
        ]
        #expect(HostAddress.select(listed, options: []).map(\.ip.description) == ["192.0.2.2", "fd00::2"])
        #expect(HostAddress.select(listed, options: [.loopback]).map(\.ip.description)
                == ["127.0.0.1", "::1", "192.0.2.2", "fd00::2"])
        #expect(HostAddress.select(listed, options: [.linkLocalIPv6]).map(\.ip.description)
                == ["192.0.2.2", "fd00::2", "fe80::1"])
    }

    @Test("enumerating with .loopback finds 127.0.0.1; without it, no loopback address")
    func enumerateLoopback() throws {
        let withLoopback = try HostAddress.enumerate([.loopback])
        #expect(withLoopback.contains { $0.ip == .v4(127, 0, 0, 1) })
        let without = try HostAddress.enumerate()
        #expect(!without.contains { $0.ip.isLoopback })
        #expect(!without.contains { $0.ip.isV6 && $0.ip.isLinkLocal })
    }

    @Test("Wire and NIO addresses convert both ways", arguments: ["127.0.0.1", "192.0.2.2", "::1", "2001:db8::5"])
    func socketAddressRoundTrip(text: String) throws {
        let address = TransportAddress(ip: IPAddress(text)!, port: 54_321)
        let socketAddress = try #require(SocketAddress(address))
        #expect(socketAddress.port == 54_321)
        #expect(socketAddress.ipAddress.flatMap(IPAddress.init) == address.ip)
        #expect(TransportAddress(socketAddress) == address)
    }

    @Test("a malformed IPv6 value has no socket address")
    func malformedIPv6() {
        #expect(SocketAddress(TransportAddress(ip: .v6([1, 2, 3]), port: 1)) == nil)
    }
}
