import Wire

/// An RTCP receiver report (RFC 3550 §6.4.2): reception report blocks from a participant that does not send.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|    RC   |   PT=RR=201   |             length            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                     SSRC of packet sender                     |
///     +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     |                 report blocks (RC x 24 bytes)                 |
///     +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     |                  profile-specific extensions                  |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct ReceiverReport: Equatable, Sendable {
    /// The reporting participant.
    public var ssrc: SSRC
    /// Reception reports (at most 31 are written).
    public var reports: [ReportBlock]
    /// Profile-specific extension bytes after the blocks, kept verbatim (a multiple of four bytes).
    public var profileExtension: ArraySlice<UInt8>

    /// A report from its fields.
    public init(ssrc: SSRC, reports: [ReportBlock] = [], profileExtension: ArraySlice<UInt8> = []) {
        self.ssrc = ssrc
        self.reports = reports
        self.profileExtension = profileExtension
    }

    /// Parses a stand-alone receiver report.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        let (header, body) = try RTCPHeader.parseSingle(bytes, packetType: RTCPHeader.receiverReport)
        try self.init(count: header.count, body: body)
    }

    /// Parses the body that follows the common header; `count` is the RC field.
    init(count: UInt8, body: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(body)
        ssrc = try reader.ssrc()
        reports = try ReportBlock.readBlocks(Int(count), from: &reader)
        profileExtension = reader.readRemaining()
    }

    var blockCount: Int { min(reports.count, 31) }
    var bodySize: Int {
        4 + blockCount * ReportBlock.size + profileExtension.count + paddingToWord(profileExtension.count)
    }

    /// Bytes the packet occupies.
    public var encodedSize: Int { 4 + bodySize }

    /// Writes the packet with its header.
    public func encode(into writer: inout ByteWriter) { encode(into: &writer, paddingLength: 0) }

    func encode(into writer: inout ByteWriter, paddingLength: Int) {
        RTCPHeader.write(count: UInt8(blockCount), packetType: RTCPHeader.receiverReport, bodySize: bodySize,
                         paddingLength: paddingLength, into: &writer)
        writer.write(ssrc.rawValue)
        for block in reports.prefix(blockCount) { block.encode(into: &writer) }
        writer.write(bytes: profileExtension)
        writer.writeZeros(paddingToWord(profileExtension.count))
        RTCPHeader.writePadding(paddingLength, into: &writer)
    }
}
