import Wire

/// Cuts the byte stream of a TCP or TLS connection to a TURN server into whole messages (RFC 8656 §12.5).
///
/// Over a stream, STUN messages and ChannelData follow each other with no other framing: a STUN message is its
/// 20-byte header plus the length it declares (always a multiple of four), a ChannelData message its 4-byte header
/// plus its length padded to four. The first two bits tell them apart (RFC 7983: 0b00 is STUN, 0b01 ChannelData).
public struct TURNStreamFramer: Sendable {
    /// Why the stream cannot be read any further: its bytes are no longer at a message boundary.
    public enum FramingError: Error, Hashable, Sendable {
        /// A message starts with a byte that is neither STUN (0x00...0x3F) nor ChannelData (0x40...0x4F).
        case unexpectedByte(UInt8)
        /// A STUN header declares a length that is not a multiple of four, which no STUN message has (RFC 8489 §5).
        case lengthNotMultipleOfFour(Int)
    }

    private var buffer: [UInt8] = []
    private var start = 0

    /// An empty framer.
    public init() {}

    /// Bytes received but not yet part of a whole message.
    public var bufferedCount: Int { buffer.count - start }

    /// Appends bytes read from the connection.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole message (a STUN message, or a ChannelData message without its padding), or nil until more
    /// bytes arrive. Throws once the stream is out of step; the connection must then be closed.
    public mutating func nextMessage() throws(FramingError) -> [UInt8]? {
        guard bufferedCount >= 4 else { return nil }
        let first = buffer[start]
        let declared = Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
        let total: Int, keep: Int
        switch first >> 6 {
        case 0b00:
            guard declared % 4 == 0 else { throw .lengthNotMultipleOfFour(declared) }
            total = STUNMessage.headerSize + declared
            keep = total
        case 0b01 where first & 0xF0 == 0x40:
            keep = 4 + declared
            total = 4 + ((declared + 3) & ~3)
        default:
            throw .unexpectedByte(first)
        }
        guard bufferedCount >= total else { return nil }
        let message = Array(buffer[start..<(start + keep)])
        start += total
        // Keep the buffer from growing without bound: drop consumed bytes once they dominate it.
        if start > 65_536, start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        return message
    }
}
