/// Names one stream connection (TCP, or TLS over TCP) a sans-IO machine asked its runtime to open, e.g. to a TURN
/// server over `turn:...?transport=tcp` or `turns:` (RFC 8656 §3.1).
public struct StreamID: Hashable, Sendable, CustomStringConvertible {
    /// The number, unique within one machine.
    public var rawValue: Int

    /// The stream with this number.
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// `stream#3`.
    public var description: String { "stream#\(rawValue)" }
}

/// What a machine asks its runtime to do with a stream connection.
public enum StreamCommand: Hashable, Sendable {
    /// Open a TCP connection to `remote` from `localIP` (any local address when nil), with TLS on top when
    /// `tlsServerName` is set: the runtime verifies the certificate against its trust store and this host name.
    case open(StreamID, remote: TransportAddress, localIP: IPAddress?, tlsServerName: String?)
    /// Write these bytes (already framed by the machine).
    case send(StreamID, [UInt8])
    /// Close the connection.
    case close(StreamID)
}

/// What the runtime tells a machine about one of its stream connections.
public enum StreamEvent: Hashable, Sendable {
    /// The connection (and TLS handshake) is up; `local` is its local address.
    case opened(StreamID, local: TransportAddress)
    /// Bytes arrived, in order, with no message boundaries.
    case received(StreamID, [UInt8])
    /// The connection could not be opened or was closed; `reason` says why in a sentence (nil: closed cleanly).
    case closed(StreamID, reason: String?)
}
