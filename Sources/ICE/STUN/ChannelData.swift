import Wire

/// A TURN ChannelData message (RFC 8656 §12.4): application data relayed over a bound channel with a 4-byte header
/// instead of a 36-byte Send/Data indication.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Channel Number        |            Length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// /                       Application Data                        /
/// /                                                               /
/// |                                                               |
/// |                               +-------------------------------+
/// |                               |
/// +-------------------------------+
/// ```
/// Length counts the application data only. Over TCP the message is padded to a multiple of four; over UDP padding
/// is optional, so the parser accepts (and ignores) up to three trailing bytes.
public struct ChannelData: Hashable, Sendable {
    /// Valid channel numbers (RFC 8656 §12): the first byte is then 64...79, which RFC 7983 demultiplexing uses.
    public static let channelRange: ClosedRange<UInt16> = 0x4000...0x4FFF

    /// The channel number, 0x4000...0x4FFF.
    public var channel: UInt16
    /// The application data, borrowed from the parsed buffer (no copy).
    public var data: ArraySlice<UInt8>

    /// A message for `channel` carrying `data`.
    public init(channel: UInt16, data: ArraySlice<UInt8>) {
        self.channel = channel
        self.data = data
    }

    /// A message for `channel` carrying `data`.
    public init(channel: UInt16, data: [UInt8]) {
        self.init(channel: channel, data: data[...])
    }

    /// Parses one ChannelData message; `data` shares `bytes`' storage.
    public init(parsing bytes: ArraySlice<UInt8>) throws(STUNError) {
        var reader = ByteReader(bytes)
        let channel: UInt16, length: Int
        do {
            channel = try reader.readUInt16()
            length = Int(try reader.readUInt16())
        } catch {
            throw STUNError(error)
        }
        guard ChannelData.channelRange.contains(channel) else { throw STUNError.invalidChannelNumber(channel) }
        // Exactly the data, or the data plus its padding to four bytes; anything else is not one ChannelData message.
        guard reader.remaining >= length, reader.remaining <= STUNAttribute.padded(length) else {
            throw STUNError.lengthMismatch(declared: length, actual: reader.remaining)
        }
        let data: ArraySlice<UInt8>
        do { data = try reader.readBytes(length) } catch { throw STUNError(error) }
        self.init(channel: channel, data: data)
    }

    /// Parses one ChannelData message from an array.
    public init(parsing bytes: [UInt8]) throws(STUNError) {
        try self.init(parsing: bytes[...])
    }

    /// The encoded size; `padded` adds the padding TCP needs (RFC 8656 §12.4).
    public func encodedSize(padded: Bool = false) -> Int {
        4 + (padded ? STUNAttribute.padded(data.count) : data.count)
    }

    /// The encoded size without padding (UDP).
    public var encodedSize: Int { encodedSize() }

    /// Appends the message to `writer`, padded with zeros to four bytes when `padded` (required over TCP/TLS).
    /// Data longer than 65535 bytes cannot be framed and throws `tooLarge`.
    public func encode(into writer: inout ByteWriter, padded: Bool = false) throws(STUNError) {
        guard data.count <= 0xFFFF else { throw STUNError.tooLarge(data.count) }
        writer.write(channel)
        writer.write(UInt16(truncatingIfNeeded: data.count))
        writer.write(bytes: data)
        if padded { writer.writeZeros(STUNAttribute.padded(data.count) - data.count) }
    }

    /// The encoded message as a new array.
    public func encode(padded: Bool = false) throws(STUNError) -> [UInt8] {
        var writer = ByteWriter(capacity: encodedSize(padded: padded))
        try encode(into: &writer, padded: padded)
        return writer.bytes
    }
}
