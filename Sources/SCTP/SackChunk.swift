import Wire

/// A SACK chunk (RFC 9260 §3.3.4): the cumulative TSN received, gaps beyond it, and duplicates.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |   Type = 3    |Chunk  Flags   |         Chunk Length          |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                      Cumulative TSN Ack                       |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |          Advertised Receiver Window Credit (a_rwnd)           |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = M |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |    Gap Ack Block #1 Start     |     Gap Ack Block #1 End      |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     /                                                               /
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                        Duplicate TSN 1                        |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     /                                                               /
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct SackChunk: Equatable, Sendable {
    /// A run of TSNs received beyond the cumulative ack, as offsets from it (start...end, both inclusive).
    public struct GapBlock: Equatable, Sendable {
        /// Offset of the first TSN of the run from the cumulative TSN ack.
        public var start: UInt16
        /// Offset of the last TSN of the run.
        public var end: UInt16

        /// A block from its offsets.
        public init(start: UInt16, end: UInt16) {
            self.start = start
            self.end = end
        }
    }

    /// Every TSN up to and including this one has been received.
    public var cumulativeTSNAck: UInt32
    /// The receiver's free buffer space, in bytes.
    public var advertisedReceiverWindow: UInt32
    /// Runs received beyond the cumulative ack.
    public var gapBlocks: [GapBlock]
    /// TSNs received more than once since the previous SACK.
    public var duplicateTSNs: [UInt32]

    /// A SACK from its fields.
    public init(cumulativeTSNAck: UInt32, advertisedReceiverWindow: UInt32, gapBlocks: [GapBlock] = [],
                duplicateTSNs: [UInt32] = []) {
        self.cumulativeTSNAck = cumulativeTSNAck
        self.advertisedReceiverWindow = advertisedReceiverWindow
        self.gapBlocks = gapBlocks
        self.duplicateTSNs = duplicateTSNs
    }

    init(value: ArraySlice<UInt8>) throws(SCTPParseError) {
        var reader = ByteReader(value)
        cumulativeTSNAck = try reader.u32()
        advertisedReceiverWindow = try reader.u32()
        let gapCount = Int(try reader.u16())
        let duplicateCount = Int(try reader.u16())
        guard reader.remaining >= gapCount * 4 + duplicateCount * 4 else {
            throw .invalidLength(
                "SACK lists \(gapCount) gaps and \(duplicateCount) duplicates in \(reader.remaining) bytes")
        }
        gapBlocks = []
        gapBlocks.reserveCapacity(gapCount)
        for _ in 0..<gapCount { gapBlocks.append(GapBlock(start: try reader.u16(), end: try reader.u16())) }
        duplicateTSNs = []
        duplicateTSNs.reserveCapacity(duplicateCount)
        for _ in 0..<duplicateCount { duplicateTSNs.append(try reader.u32()) }
    }

    var valueSize: Int { 12 + 4 * gapBlocks.count + 4 * duplicateTSNs.count }

    func encodeValue(into writer: inout ByteWriter) {
        writer.write(cumulativeTSNAck)
        writer.write(advertisedReceiverWindow)
        writer.write(UInt16(truncatingIfNeeded: gapBlocks.count))
        writer.write(UInt16(truncatingIfNeeded: duplicateTSNs.count))
        for block in gapBlocks {
            writer.write(block.start)
            writer.write(block.end)
        }
        for tsn in duplicateTSNs { writer.write(tsn) }
    }
}
