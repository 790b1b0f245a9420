import Wire

/// A transport-layer Generic NACK (RFC 4585 §6.2.1): lost RTP packets as (PID, BLP) pairs.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|  FMT=1  |    PT=205     |             length            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                     SSRC of packet sender                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                      SSRC of media source                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |            PID                |             BLP               |  (one or more)
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct GenericNack: Equatable, Sendable {
    /// The feedback message type of a Generic NACK.
    public static let format: UInt8 = 1

    /// One FCI entry: a lost packet and a bitmask of the 16 packets after it that were also lost.
    public struct Pair: Equatable, Hashable, Sendable {
        /// The packet ID (sequence number) of a lost packet.
        public var packetID: UInt16
        /// Bit i set means packet `packetID + i + 1` is lost too (bit 0 is the least significant).
        public var lostBitmask: UInt16

        /// A pair from its fields.
        public init(packetID: UInt16, lostBitmask: UInt16 = 0) {
            self.packetID = packetID
            self.lostBitmask = lostBitmask
        }

        /// The sequence numbers this pair reports lost, in order, wrapping past 65535.
        public var lostSequenceNumbers: [UInt16] {
            var result = [packetID]
            for bit in 0..<16 where lostBitmask & (1 << bit) != 0 { result.append(packetID &+ UInt16(bit + 1)) }
            return result
        }
    }

    /// The packet's sender.
    public var senderSSRC: SSRC
    /// The stream whose packets are lost.
    public var mediaSSRC: SSRC
    /// The FCI entries.
    public var pairs: [Pair]

    /// A NACK from its pairs.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC, pairs: [Pair]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.pairs = pairs
    }

    /// A NACK for `lost` sequence numbers (see `pairs(forLost:)`).
    public init(senderSSRC: SSRC, mediaSSRC: SSRC, lost: [UInt16]) {
        self.init(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, pairs: Self.pairs(forLost: lost))
    }

    /// Packs sequence numbers, given in sending order (ascending modulo 2^16, so 65535 may be followed by 0),
    /// into pairs: each pair starts at a number not covered by the previous pair and covers the next 16.
    /// Repeated numbers are reported once.
    public static func pairs(forLost lost: [UInt16]) -> [Pair] {
        var pairs: [Pair] = []
        for sequence in lost {
            if let last = pairs.last {
                let distance = sequence &- last.packetID  // wraps, so 65535 -> 2 is a distance of 3
                if distance == 0 { continue }
                if distance <= 16 {
                    pairs[pairs.count - 1].lostBitmask |= 1 << (distance - 1)
                    continue
                }
            }
            pairs.append(Pair(packetID: sequence))
        }
        return pairs
    }

    /// Every sequence number the pairs report lost, in order.
    public var lostSequenceNumbers: [UInt16] { pairs.flatMap(\.lostSequenceNumbers) }

    /// Parses a stand-alone Generic NACK.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        let (_, body) = try RTCPHeader.parseSingle(bytes, packetType: RTCPHeader.transportFeedback,
                                                   format: Self.format)
        try self.init(body: body)
    }

    /// Parses the body that follows the common header.
    init(body: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(body)
        senderSSRC = try reader.ssrc()
        mediaSSRC = try reader.ssrc()
        guard reader.remaining % 4 == 0 else {
            throw .invalidLength("NACK FCI of \(reader.remaining) bytes is not a whole number of entries")
        }
        pairs = []
        pairs.reserveCapacity(reader.remaining / 4)
        while !reader.isAtEnd {
            pairs.append(Pair(packetID: try reader.u16(), lostBitmask: try reader.u16()))
        }
    }

    var bodySize: Int { 8 + 4 * pairs.count }

    /// Bytes the packet occupies.
    public var encodedSize: Int { 4 + bodySize }

    /// Writes the packet with its header.
    public func encode(into writer: inout ByteWriter) { encode(into: &writer, paddingLength: 0) }

    func encode(into writer: inout ByteWriter, paddingLength: Int) {
        RTCPHeader.write(count: Self.format, packetType: RTCPHeader.transportFeedback, bodySize: bodySize,
                         paddingLength: paddingLength, into: &writer)
        writer.write(senderSSRC.rawValue)
        writer.write(mediaSSRC.rawValue)
        for pair in pairs {
            writer.write(pair.packetID)
            writer.write(pair.lostBitmask)
        }
        RTCPHeader.writePadding(paddingLength, into: &writer)
    }
}
