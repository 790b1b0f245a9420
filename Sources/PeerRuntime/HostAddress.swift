import NIOCore
import Wire

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address of one of this host's network interfaces: where the runtime can bind a socket for a host
/// candidate (RFC 8445 §5.1.1.1).
public struct HostAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address.
    public var ip: IPAddress
    /// The interface's name (`eth0`, `lo`).
    public var interfaceName: String
    /// The interface's index: the scope a link-local IPv6 address needs to be bound, and an ordering hint for
    /// candidate priorities (`Candidate.host(_:interfaceIndex:)`).
    public var interfaceIndex: Int

    /// An address of interface `interfaceName`.
    public init(ip: IPAddress, interfaceName: String, interfaceIndex: Int) {
        self.ip = ip
        self.interfaceName = interfaceName
        self.interfaceIndex = interfaceIndex
    }

    /// A loopback or other address given by hand, not tied to a listed interface (index 0: no scope).
    public init(_ ip: IPAddress) {
        self.init(ip: ip, interfaceName: "", interfaceIndex: 0)
    }

    /// `192.0.2.2 (eth0)`.
    public var description: String { interfaceName.isEmpty ? "\(ip)" : "\(ip) (\(interfaceName))" }

    /// Which addresses `enumerate(_:)` includes beyond the default (every routable address of every up interface).
    public struct Options: OptionSet, Sendable, Hashable {
        /// The raw bits.
        public var rawValue: UInt8
        /// The option set with these bits.
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// Include 127.0.0.0/8 and ::1 (for tests and same-host calls).
        public static let loopback = Options(rawValue: 1 << 0)
        /// Include fe80::/10 addresses; off by default because they only reach the same link and need a scope.
        public static let linkLocalIPv6 = Options(rawValue: 1 << 1)
    }

    /// Every address of every interface that is up, IPv4 and IPv6, filtered by `options`; in the order the system
    /// lists them, each address once.
    public static func enumerate(_ options: Options = []) throws(RuntimeError) -> [HostAddress] {
        let devices: [NIONetworkDevice]
        do {
            devices = try System.enumerateDevices()
        } catch {
            throw RuntimeError(.interfaceEnumerationFailed, "Could not list the network interfaces", underlying: error)
        }
        let up = upInterfaceNames()
        var found: [(HostAddress, isUp: Bool)] = []
        for device in devices {
            guard let socketAddress = device.address, let address = TransportAddress(socketAddress) else { continue }
            let host = HostAddress(ip: address.ip, interfaceName: device.name, interfaceIndex: device.interfaceIndex)
            // When the flags cannot be read, trust the listing rather than return nothing.
            found.append((host, up.map { $0.contains(device.name) } ?? true))
        }
        return select(found, options: options)
    }

    /// The filter behind `enumerate(_:)`, separate so tests can check it without the host's interfaces.
    static func select(_ addresses: [(HostAddress, isUp: Bool)], options: Options) -> [HostAddress] {
        var seen = Set<IPAddress>()
        var result: [HostAddress] = []
        for (host, isUp) in addresses where isUp {
            let ip = host.ip
            if ip.isLoopback, !options.contains(.loopback) { continue }
            if ip.isV6, ip.isLinkLocal, !options.contains(.linkLocalIPv6) { continue }
            if ip.isUnspecified || ip.isMulticast { continue }
            if seen.insert(ip).inserted { result.append(host) }
        }
        return result
    }

    /// Names of the interfaces with IFF_UP set, read with getifaddrs(3) because `NIONetworkDevice` does not carry
    /// the flags; nil if the call fails.
    private static func upInterfaceNames() -> Set<String>? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return nil }
        defer { freeifaddrs(list) }
        var names = Set<String>()
        var cursor = list
        while let entry = cursor {
            if UInt32(entry.pointee.ifa_flags) & UInt32(IFF_UP) != 0, let name = entry.pointee.ifa_name {
                names.insert(String(cString: name))
            }
            cursor = entry.pointee.ifa_next
        }
        return names
    }
}

extension IPAddress {
    /// 0.0.0.0 or ::, which no socket can be reached on.
    var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    /// ::ffff:0:0/96, an IPv4 address in IPv6 form: unreachable from a socket bound on a real IPv6 address.
    var isV4Mapped: Bool {
        guard case let .v6(bytes) = self, bytes.count == 16 else { return false }
        return bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
    }

    /// 224.0.0.0/4 or ff00::/8.
    var isMulticast: Bool {
        switch self {
        case let .v4(a, _, _, _): return a & 0xF0 == 0xE0
        case let .v6(bytes): return bytes.first == 0xFF
        }
    }
}
