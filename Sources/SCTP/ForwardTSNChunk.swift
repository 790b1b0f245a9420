import Wire

/// A FORWARD TSN chunk (RFC 3758 §3.2): the receiver moves its cumulative TSN forward past abandoned chunks and
/// skips the listed ordered streams' sequence numbers.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |   Type = 192  |  Flags = 0x00 |        Length = Variable      |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                      New Cumulative TSN                       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |         Stream-1              |       Stream Sequence-1       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     \                                                               /
///     /                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct ForwardTSNChunk: Equatable, Sendable {
    /// An ordered stream and the largest sequence number skipped on it.
    public struct StreamSkip: Equatable, Sendable {
        /// The stream.
        public var stream: UInt16
        /// The largest SSN abandoned on it.
        public var ssn: UInt16

        /// A pair from its fields.
        public init(stream: UInt16, ssn: UInt16) {
            self.stream = stream
            self.ssn = ssn
        }
    }

    /// The receiver treats every TSN up to this one as received.
    public var newCumulativeTSN: UInt32
    /// Ordered streams whose abandoned messages are skipped.
    public var skips: [StreamSkip]

    /// A chunk from its fields.
    public init(newCumulativeTSN: UInt32, skips: [StreamSkip] = []) {
        self.newCumulativeTSN = newCumulativeTSN
        self.skips = skips
    }

    init(value: ArraySlice<UInt8>) throws(SCTPParseError) {
        var reader = ByteReader(value)
        newCumulativeTSN = try reader.u32()
        guard reader.remaining % 4 == 0 else {
            throw .invalidLength("FORWARD TSN has \(reader.remaining) bytes of stream entries, not a multiple of 4")
        }
        skips = []
        skips.reserveCapacity(reader.remaining / 4)
        while !reader.isAtEnd { skips.append(StreamSkip(stream: try reader.u16(), ssn: try reader.u16())) }
    }

    var valueSize: Int { 4 + 4 * skips.count }

    func encodeValue(into writer: inout ByteWriter) {
        writer.write(newCumulativeTSN)
        for skip in skips {
            writer.write(skip.stream)
            writer.write(skip.ssn)
        }
    }
}
