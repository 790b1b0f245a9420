import Wire

/// Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb-03 §2.2): an application-layer feedback
/// message (PSFB FMT=15) carrying the receiver's total bandwidth estimate for the listed streams.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P| FMT=15  |   PT=206      |             length            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                  SSRC of packet sender                        |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                  SSRC of media source (0)                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  Unique identifier 'R' 'E' 'M' 'B'                            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  Num SSRC     | BR Exp    |  BR Mantissa                      |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |   SSRC feedback                                               |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |  ...                                                          |
public struct ReceiverEstimatedMaxBitrate: Equatable, Sendable {
    /// The feedback message type of application-layer feedback.
    public static let format: UInt8 = 15
    /// The four ASCII bytes "REMB" that identify this application-layer message.
    public static let identifier: [UInt8] = Array("REMB".utf8)
    /// Largest value of the 18-bit mantissa.
    public static let maxMantissa: UInt32 = (1 << 18) - 1

    /// The packet's sender.
    public var senderSSRC: SSRC
    /// The media source field, which the draft sets to 0; kept as read.
    public var mediaSSRC: SSRC
    /// The six-bit exponent of the bitrate.
    public private(set) var exponent: UInt8
    /// The 18-bit mantissa of the bitrate.
    public private(set) var mantissa: UInt32
    /// The streams the estimate applies to (at most 255 are written).
    public var ssrcs: [SSRC]

    /// An estimate of `bitrate` bits per second, rounded down to what an 18-bit mantissa can express.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC = SSRC(0), bitrate: UInt64, ssrcs: [SSRC]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.ssrcs = ssrcs
        (exponent, mantissa) = Self.split(bitrate)
        exponent = exponent & 0x3F
    }

    /// The estimate in bits per second (mantissa × 2^exponent), saturating at `UInt64.max`.
    public var bitrate: UInt64 {
        get {
            let value = UInt64(mantissa)
            guard value != 0 else { return 0 }
            return Int(exponent) > value.leadingZeroBitCount ? UInt64.max : value << exponent
        }
        set { (exponent, mantissa) = Self.split(newValue) }
    }

    /// The smallest exponent whose mantissa fits in 18 bits.
    static func split(_ bitrate: UInt64) -> (exponent: UInt8, mantissa: UInt32) {
        var exponent: UInt8 = 0
        var value = bitrate
        while value > UInt64(maxMantissa) {
            value >>= 1
            exponent += 1
        }
        return (exponent, UInt32(value))
    }

    /// True when an application-layer feedback body starts with the REMB identifier.
    static func matches(body: ArraySlice<UInt8>) -> Bool {
        body.count >= 12 && body.dropFirst(8).prefix(4).elementsEqual(identifier)
    }

    /// Parses a stand-alone REMB packet.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        let (_, body) = try RTCPHeader.parseSingle(bytes, packetType: RTCPHeader.payloadFeedback,
                                                   format: Self.format)
        try self.init(body: body)
    }

    /// Parses the body that follows the common header.
    init(body: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(body)
        senderSSRC = try reader.ssrc()
        mediaSSRC = try reader.ssrc()
        guard try reader.bytes(4).elementsEqual(Self.identifier) else {
            throw .invalidField("application-layer feedback without the REMB identifier")
        }
        let count = Int(try reader.u8())
        let packed = try reader.u24()
        exponent = UInt8(packed >> 18)
        mantissa = packed & Self.maxMantissa
        guard reader.remaining >= 4 * count else {
            throw .invalidLength("REMB lists \(count) SSRCs but has \(reader.remaining) bytes")
        }
        ssrcs = []
        ssrcs.reserveCapacity(count)
        for _ in 0..<count { ssrcs.append(try reader.ssrc()) }
    }

    var ssrcCount: Int { min(ssrcs.count, 255) }
    var bodySize: Int { 16 + 4 * ssrcCount }

    /// Bytes the packet occupies.
    public var encodedSize: Int { 4 + bodySize }

    /// Writes the packet with its header.
    public func encode(into writer: inout ByteWriter) { encode(into: &writer, paddingLength: 0) }

    func encode(into writer: inout ByteWriter, paddingLength: Int) {
        RTCPHeader.write(count: Self.format, packetType: RTCPHeader.payloadFeedback, bodySize: bodySize,
                         paddingLength: paddingLength, into: &writer)
        writer.write(senderSSRC.rawValue)
        writer.write(mediaSSRC.rawValue)
        writer.write(bytes: Self.identifier)
        writer.write(UInt8(ssrcCount))
        writer.writeUInt24(UInt32(exponent & 0x3F) << 18 | mantissa & Self.maxMantissa)
        for ssrc in ssrcs.prefix(ssrcCount) { writer.write(ssrc.rawValue) }
        RTCPHeader.writePadding(paddingLength, into: &writer)
    }
}
