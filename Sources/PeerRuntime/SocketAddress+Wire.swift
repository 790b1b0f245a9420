import NIOCore
import Wire

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension TransportAddress {
    /// The IP and port of a NIO socket address, read from its raw `sockaddr` (no text round trip on the receive
    /// path); nil for Unix domain sockets. An IPv6 scope ID is dropped, as `IPAddress` drops `%zone`.
    init?(_ address: SocketAddress) {
        switch address {
        case let .v4(v4):
            let raw = v4.address
            // s_addr is stored in network order, so its memory bytes are the address bytes in order.
            let ip = withUnsafeBytes(of: raw.sin_addr) { IPAddress.v4($0[0], $0[1], $0[2], $0[3]) }
            self.init(ip: ip, port: UInt16(bigEndian: raw.sin_port))
        case let .v6(v6):
            let raw = v6.address
            let ip = withUnsafeBytes(of: raw.sin6_addr) { IPAddress.v6(Array($0)) }
            self.init(ip: ip, port: UInt16(bigEndian: raw.sin6_port))
        case .unixDomainSocket:
            return nil
        }
    }
}

extension SocketAddress {
    /// The NIO socket address for `address`, built from bytes; `scopeID` is the interface index a link-local IPv6
    /// address needs to be bound or reached. Nil when an IPv6 address does not have 16 bytes (`IPAddress.v6` is a
    /// public case, so a malformed one can reach here).
    init?(_ address: TransportAddress, scopeID: UInt32 = 0) {
        switch address.ip {
        case let .v4(a, b, c, d):
            var raw = sockaddr_in()
            raw.sin_family = sa_family_t(AF_INET)
            raw.sin_port = address.port.bigEndian
            withUnsafeMutableBytes(of: &raw.sin_addr) { bytes in
                bytes[0] = a
                bytes[1] = b
                bytes[2] = c
                bytes[3] = d
            }
            self.init(raw, host: "")
        case let .v6(bytes):
            guard bytes.count == 16 else { return nil }
            var raw = sockaddr_in6()
            raw.sin6_family = sa_family_t(AF_INET6)
            raw.sin6_port = address.port.bigEndian
            raw.sin6_scope_id = scopeID
            withUnsafeMutableBytes(of: &raw.sin6_addr) { $0.copyBytes(from: bytes) }
            self.init(raw, host: "")
        }
    }
}
