import Wire

/// A Full Intra Request (RFC 5104 §4.3.1): asks named senders for a decoder refresh point.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|  FMT=4  |    PT=206     |             length            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                     SSRC of packet sender                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |               SSRC of media source (unused, 0)                |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                              SSRC                             |  FCI entry,
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  one or more
///     | Seq nr.       |    Reserved                                   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct FullIntraRequest: Equatable, Sendable {
    /// The feedback message type of a FIR.
    public static let format: UInt8 = 4

    /// One FCI entry: the media sender asked and a command sequence number that repeats for retransmissions.
    public struct Entry: Equatable, Hashable, Sendable {
        /// The media sender that should send a decoder refresh point.
        public var ssrc: SSRC
        /// Incremented by one per new request (modulo 256).
        public var sequenceNumber: UInt8

        /// An entry from its fields.
        public init(ssrc: SSRC, sequenceNumber: UInt8) {
            self.ssrc = ssrc
            self.sequenceNumber = sequenceNumber
        }
    }

    /// The packet's sender.
    public var senderSSRC: SSRC
    /// The media source field, which RFC 5104 says to set to 0; kept as read.
    public var mediaSSRC: SSRC
    /// The requests.
    public var entries: [Entry]

    /// A FIR from its fields.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC = SSRC(0), entries: [Entry]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.entries = entries
    }

    /// Parses a stand-alone FIR.
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
        guard reader.remaining % 8 == 0 else {
            throw .invalidLength("FIR FCI of \(reader.remaining) bytes is not a whole number of entries")
        }
        entries = []
        entries.reserveCapacity(reader.remaining / 8)
        while !reader.isAtEnd {
            let ssrc = try reader.ssrc()
            let sequenceNumber = try reader.u8()
            try reader.skipBytes(3)  // reserved
            entries.append(Entry(ssrc: ssrc, sequenceNumber: sequenceNumber))
        }
    }

    var bodySize: Int { 8 + 8 * entries.count }

    /// Bytes the packet occupies.
    public var encodedSize: Int { 4 + bodySize }

    /// Writes the packet with its header; reserved bytes are zero.
    public func encode(into writer: inout ByteWriter) { encode(into: &writer, paddingLength: 0) }

    func encode(into writer: inout ByteWriter, paddingLength: Int) {
        RTCPHeader.write(count: Self.format, packetType: RTCPHeader.payloadFeedback, bodySize: bodySize,
                         paddingLength: paddingLength, into: &writer)
        writer.write(senderSSRC.rawValue)
        writer.write(mediaSSRC.rawValue)
        for entry in entries {
            writer.write(entry.ssrc.rawValue)
            writer.write(entry.sequenceNumber)
            writer.writeZeros(3)
        }
        RTCPHeader.writePadding(paddingLength, into: &writer)
    }
}
