/// A UDP datagram with both ends of its path: what sans-IO cores hand the runtime to send, and what the runtime
/// hands them when one arrives.
public struct Datagram: Hashable, Sendable, CustomStringConvertible {
    /// The local socket address it leaves from (outgoing) or arrived on (incoming).
    public var local: TransportAddress
    /// The far end: where it goes (outgoing) or where it came from (incoming).
    public var remote: TransportAddress
    /// The bytes.
    public var payload: [UInt8]

    /// A datagram between `local` and `remote`.
    public init(local: TransportAddress, remote: TransportAddress, payload: [UInt8]) {
        self.local = local
        self.remote = remote
        self.payload = payload
    }

    /// `127.0.0.1:5000 <-> 127.0.0.1:6000, 100 bytes`.
    public var description: String { "\(local) <-> \(remote), \(payload.count) bytes" }
}
