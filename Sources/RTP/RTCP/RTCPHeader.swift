import Wire

/// The four-byte header every RTCP packet starts with (RFC 3550 §6.4.1, §6.1).
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|  RC/FMT |      PT       |             length            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// `length` is the packet's size in 32-bit words minus one, header and padding included.
public struct RTCPHeader: Equatable, Sendable {
    /// Sender report (RFC 3550 §6.4.1).
    public static let senderReport: UInt8 = 200
    /// Receiver report (RFC 3550 §6.4.2).
    public static let receiverReport: UInt8 = 201
    /// Source description (RFC 3550 §6.5).
    public static let sourceDescription: UInt8 = 202
    /// Goodbye (RFC 3550 §6.6).
    public static let goodbye: UInt8 = 203
    /// Application-defined (RFC 3550 §6.7).
    public static let application: UInt8 = 204
    /// Transport-layer feedback (RFC 4585 §6.2).
    public static let transportFeedback: UInt8 = 205
    /// Payload-specific feedback (RFC 4585 §6.3).
    public static let payloadFeedback: UInt8 = 206

    /// The P bit: the packet ends in padding whose last byte counts it.
    public var padding: Bool
    /// The five-bit count field: report count, source count, or feedback message type (FMT).
    public var count: UInt8
    /// The packet type.
    public var packetType: UInt8
    /// Packet length in 32-bit words minus one.
    public var length: UInt16

    /// A header from its fields; `count` keeps its low five bits.
    public init(padding: Bool = false, count: UInt8, packetType: UInt8, length: UInt16) {
        self.padding = padding
        self.count = count & 0x1F
        self.packetType = packetType
        self.length = length
    }

    /// Reads the four header bytes; fails on a version other than 2.
    public init(parsing reader: inout ByteReader) throws(RTPError) {
        let first = try reader.u8()
        guard first >> 6 == 2 else { throw .unsupportedVersion(first >> 6) }
        padding = first & 0x20 != 0
        count = first & 0x1F
        packetType = try reader.u8()
        length = try reader.u16()
    }

    /// Bytes of the whole packet, header included.
    public var packetSize: Int { (Int(length) + 1) * 4 }

    /// Writes the four header bytes.
    public func encode(into writer: inout ByteWriter) {
        writer.write(2 << 6 | (padding ? 0x20 : 0) | count & 0x1F)
        writer.write(packetType)
        writer.write(length)
    }

    /// Reads a header and its body from `reader`, strips padding, and checks that the length fits.
    /// `isLast` says whether this packet ends the datagram: only the last may be padded (RFC 3550 §6.4.1).
    static func readPacket(
        from reader: inout ByteReader
    ) throws(RTPError) -> (header: RTCPHeader, body: ArraySlice<UInt8>) {
        let header = try RTCPHeader(parsing: &reader)
        let bodySize = Int(header.length) * 4
        guard reader.remaining >= bodySize else {
            throw .invalidLength("packet type \(header.packetType) claims \(bodySize) body bytes, "
                + "\(reader.remaining) left")
        }
        var body = try reader.bytes(bodySize)
        if header.padding {
            guard reader.isAtEnd else { throw .invalidPadding(count: Int(body.last ?? 0)) }
            // RFC 3550 §6.4.1: the count includes itself and "will be a multiple of four", which keeps every
            // body word-aligned. libwebrtc's transport-wide feedback does not keep to that: it pads its body to
            // the next word with 1-3 bytes and says so (P bit, count 1-3). Taken for that packet type alone, or
            // every Chromium feedback packet would be lost; anywhere else such padding is an error.
            let isTransportFeedback = header.packetType == Self.transportFeedback && header.count == 15
            guard let count = body.last, count > 0, count % 4 == 0 || isTransportFeedback,
                  Int(count) <= body.count else {
                throw .invalidPadding(count: Int(body.last ?? 0))
            }
            body = body.dropLast(Int(count))
        }
        return (header, body)
    }

    /// Parses one stand-alone packet of `packetType` (and feedback `format`, when given) spanning all of `bytes`.
    static func parseSingle(
        _ bytes: ArraySlice<UInt8>, packetType: UInt8, format: UInt8? = nil
    ) throws(RTPError) -> (header: RTCPHeader, body: ArraySlice<UInt8>) {
        var reader = ByteReader(bytes)
        let (header, body) = try readPacket(from: &reader)
        guard reader.isAtEnd else { throw .invalidLength("\(reader.remaining) bytes follow the packet") }
        guard header.packetType == packetType else {
            throw .invalidField("packet type \(header.packetType), expected \(packetType)")
        }
        if let format, header.count != format {
            throw .invalidField("feedback format \(header.count), expected \(format)")
        }
        return (header, body)
    }

    /// Writes a header for a body of `bodySize` bytes (a multiple of four) followed by `paddingLength` bytes of
    /// padding that the caller writes with `writePadding`.
    static func write(
        count: UInt8, packetType: UInt8, bodySize: Int, paddingLength: Int = 0, into writer: inout ByteWriter
    ) {
        let words = (bodySize + paddingLength) / 4
        RTCPHeader(padding: paddingLength > 0, count: count, packetType: packetType,
                   length: UInt16(truncatingIfNeeded: words)).encode(into: &writer)
    }

    /// Writes `length` bytes of RTCP padding: zeros, then the count.
    static func writePadding(_ length: Int, into writer: inout ByteWriter) {
        guard length > 0 else { return }
        writer.writeZeros(length - 1)
        writer.write(UInt8(truncatingIfNeeded: length))
    }
}
