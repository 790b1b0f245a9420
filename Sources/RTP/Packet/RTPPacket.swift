import Wire

/// An RTP data packet (RFC 3550 §5.1) whose payload is a slice of the datagram it was parsed from.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|X|  CC   |M|     PT      |       sequence number         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                           timestamp                           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |           synchronization source (SSRC) identifier            |
///     +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     |            contributing source (CSRC) identifiers             |
///     |                             ....                              |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |      defined by profile       |           length              |  (if X, RFC 3550 §5.3.1)
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                        header extension                       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                            payload  ...                       |
///     |                               +-------------------------------+
///     |                               | padding ...   | padding count |  (if P)
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct RTPPacket: Equatable, Sendable {
    /// The marker bit; its meaning comes from the payload format (end of a video frame, start of a talkspurt).
    public var marker: Bool
    /// The seven-bit payload type.
    public var payloadType: PayloadType
    /// The 16-bit sequence number as carried on the wire.
    public var sequenceNumber: UInt16
    /// The media timestamp in the payload format's clock rate.
    public var timestamp: UInt32
    /// The synchronization source.
    public var ssrc: SSRC
    /// Contributing sources (at most 15; empty costs no allocation).
    public var csrcs: [SSRC]
    /// The header extension block, if the X bit is set.
    public var extensions: RTPHeaderExtensions?
    /// The payload, without padding; shares the parsed datagram's storage.
    public var payload: ArraySlice<UInt8>
    /// Padding bytes after the payload including the count byte itself; 0 means no padding (P bit clear).
    public var paddingLength: UInt8

    /// A packet from its fields.
    public init(
        marker: Bool = false, payloadType: PayloadType, sequenceNumber: UInt16, timestamp: UInt32, ssrc: SSRC,
        csrcs: [SSRC] = [], extensions: RTPHeaderExtensions? = nil, payload: ArraySlice<UInt8> = [],
        paddingLength: UInt8 = 0
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.extensions = extensions
        self.payload = payload
        self.paddingLength = paddingLength
    }

    /// Parses one packet from a whole datagram (SRTP already removed).
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(bytes)
        let first = try reader.u8()
        let version = first >> 6
        guard version == 2 else { throw .unsupportedVersion(version) }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let csrcCount = Int(first & 0x0F)
        let second = try reader.u8()
        marker = second & 0x80 != 0
        payloadType = PayloadType(truncating: second)
        sequenceNumber = try reader.u16()
        timestamp = try reader.u32()
        ssrc = try reader.ssrc()
        guard reader.remaining >= csrcCount * 4 else {
            throw .truncated(needed: csrcCount * 4, available: reader.remaining)
        }
        var csrcs: [SSRC] = []
        if csrcCount > 0 {
            csrcs.reserveCapacity(csrcCount)
            for _ in 0..<csrcCount { csrcs.append(try reader.ssrc()) }
        }
        self.csrcs = csrcs
        if hasExtension {
            let profile = try reader.u16()
            let words = Int(try reader.u16())
            guard reader.remaining >= words * 4 else {
                throw .invalidHeaderExtension("block claims \(words * 4) bytes, \(reader.remaining) left")
            }
            extensions = try RTPHeaderExtensions(profile: profile, data: try reader.bytes(words * 4))
        } else {
            extensions = nil
        }
        var rest = reader.readRemaining()
        paddingLength = 0
        if hasPadding {
            // The last byte counts the padding including itself (RFC 3550 §5.1); zero or more than what follows
            // the header is invalid.
            guard let count = rest.last, count > 0, Int(count) <= rest.count else {
                throw .invalidPadding(count: Int(rest.last ?? 0))
            }
            paddingLength = count
            rest = rest.dropLast(Int(count))
        }
        payload = rest
    }

    /// Parses one packet from a whole datagram.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        try self.init(parsing: bytes[...])
    }

    /// Bytes the encoded packet occupies.
    public var encodedSize: Int {
        12 + 4 * min(csrcs.count, 15) + (extensions?.encodedSize ?? 0) + payload.count + Int(paddingLength)
    }

    /// Writes the packet; padding is zeros followed by the count byte. At most 15 CSRCs are written, which is
    /// all the four-bit CC field can announce.
    public func encode(into writer: inout ByteWriter) {
        let csrcCount = min(csrcs.count, 15)
        var first: UInt8 = 2 << 6 | UInt8(csrcCount)
        if paddingLength > 0 { first |= 0x20 }
        if extensions != nil { first |= 0x10 }
        writer.write(first)
        writer.write((marker ? 0x80 : 0) | payloadType.rawValue)
        writer.write(sequenceNumber)
        writer.write(timestamp)
        writer.write(ssrc.rawValue)
        for csrc in csrcs.prefix(csrcCount) { writer.write(csrc.rawValue) }
        extensions?.encode(into: &writer)
        writer.write(bytes: payload)
        if paddingLength > 0 {
            writer.writeZeros(Int(paddingLength) - 1)
            writer.write(paddingLength)
        }
    }

    /// The encoded packet as a new array.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: encodedSize)
        encode(into: &writer)
        return writer.bytes
    }

    /// The packet's sequence number extended by `unwrapper` (RFC 3550 Appendix A.1).
    public func extendedSequenceNumber(using unwrapper: inout SequenceNumberUnwrapper) -> ExtendedSequenceNumber {
        unwrapper.unwrap(sequenceNumber)
    }
}
