import Wire

/// A reception report block carried by sender and receiver reports (RFC 3550 §6.4.1).
///
///     +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     |                 SSRC_1 (SSRC of first source)                 |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     | fraction lost |       cumulative number of packets lost       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |           extended highest sequence number received           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                      interarrival jitter                      |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                         last SR (LSR)                         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                   delay since last SR (DLSR)                  |
///     +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
public struct ReportBlock: Equatable, Hashable, Sendable {
    /// Size of one block on the wire.
    public static let size = 24
    /// Largest and smallest values of the signed 24-bit cumulative loss field.
    public static let cumulativeLostRange: ClosedRange<Int32> = -8_388_608...8_388_607

    /// The source this block reports on.
    public var ssrc: SSRC
    /// Fraction of packets lost since the previous report, as a fixed-point number with the point at the left.
    public var fractionLost: UInt8
    /// Packets expected minus packets received since the start; negative when duplicates arrived.
    public var cumulativeLost: Int32
    /// Highest sequence number received, extended with the roll-over count in the high 16 bits.
    public var extendedHighestSequenceNumber: UInt32
    /// Interarrival jitter in timestamp units (RFC 3550 §6.4.1, A.8).
    public var jitter: UInt32
    /// The middle 32 bits of the NTP timestamp of the last sender report received from this source.
    public var lastSenderReport: UInt32
    /// Delay since that sender report, in units of 1/65536 second.
    public var delaySinceLastSenderReport: UInt32

    /// A block from its fields; `cumulativeLost` is clamped to the 24-bit field.
    public init(
        ssrc: SSRC, fractionLost: UInt8, cumulativeLost: Int32, extendedHighestSequenceNumber: UInt32,
        jitter: UInt32, lastSenderReport: UInt32, delaySinceLastSenderReport: UInt32
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = min(max(cumulativeLost, Self.cumulativeLostRange.lowerBound),
                                  Self.cumulativeLostRange.upperBound)
        self.extendedHighestSequenceNumber = extendedHighestSequenceNumber
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// Reads one 24-byte block.
    public init(parsing reader: inout ByteReader) throws(RTPError) {
        ssrc = try reader.ssrc()
        fractionLost = try reader.u8()
        // Sign-extend the 24-bit two's complement field.
        cumulativeLost = Int32(bitPattern: try reader.u24() << 8) >> 8
        extendedHighestSequenceNumber = try reader.u32()
        jitter = try reader.u32()
        lastSenderReport = try reader.u32()
        delaySinceLastSenderReport = try reader.u32()
    }

    /// The highest sequence number as an `ExtendedSequenceNumber`.
    public var extendedHighestSequence: ExtendedSequenceNumber {
        ExtendedSequenceNumber(rawValue: UInt64(extendedHighestSequenceNumber))
    }

    /// Bytes one block occupies.
    public var encodedSize: Int { Self.size }

    /// Writes the block; the cumulative loss is clamped to its signed 24-bit range.
    public func encode(into writer: inout ByteWriter) {
        writer.write(ssrc.rawValue)
        writer.write(fractionLost)
        let lost = min(max(cumulativeLost, Self.cumulativeLostRange.lowerBound), Self.cumulativeLostRange.upperBound)
        writer.writeUInt24(UInt32(bitPattern: lost))
        writer.write(extendedHighestSequenceNumber)
        writer.write(jitter)
        writer.write(lastSenderReport)
        writer.write(delaySinceLastSenderReport)
    }

    /// Reads `count` blocks.
    static func readBlocks(_ count: Int, from reader: inout ByteReader) throws(RTPError) -> [ReportBlock] {
        guard reader.remaining >= count * size else {
            throw .invalidLength("\(count) report blocks need \(count * size) bytes, \(reader.remaining) left")
        }
        var blocks: [ReportBlock] = []
        blocks.reserveCapacity(count)
        for _ in 0..<count { blocks.append(try ReportBlock(parsing: &reader)) }
        return blocks
    }
}
