import Wire

/// An RTCP sender report (RFC 3550 §6.4.1): the sender's clocks and counters, then reception report blocks.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|    RC   |   PT=SR=200   |             length            |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                         SSRC of sender                        |
///     +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     |              NTP timestamp, most significant word             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |             NTP timestamp, least significant word             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                         RTP timestamp                         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                     sender's packet count                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                      sender's octet count                     |
///     +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     |                 report blocks (RC x 24 bytes)                 |
///     +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     |                  profile-specific extensions                  |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct SenderReport: Equatable, Sendable {
    /// The sender.
    public var ssrc: SSRC
    /// 64-bit NTP wallclock time when the report was sent.
    public var ntpTimestamp: UInt64
    /// The same instant in the stream's RTP timestamp units.
    public var rtpTimestamp: UInt32
    /// Packets sent since the stream began.
    public var packetCount: UInt32
    /// Payload octets sent since the stream began.
    public var octetCount: UInt32
    /// Reception reports on sources this sender hears (at most 31 are written).
    public var reports: [ReportBlock]
    /// Profile-specific extension bytes after the blocks, kept verbatim (a multiple of four bytes).
    public var profileExtension: ArraySlice<UInt8>

    /// A report from its fields.
    public init(
        ssrc: SSRC, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
        reports: [ReportBlock] = [], profileExtension: ArraySlice<UInt8> = []
    ) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reports = reports
        self.profileExtension = profileExtension
    }

    /// Parses a stand-alone sender report.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        let (header, body) = try RTCPHeader.parseSingle(bytes, packetType: RTCPHeader.senderReport)
        try self.init(count: header.count, body: body)
    }

    /// Parses the body that follows the common header; `count` is the RC field.
    init(count: UInt8, body: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(body)
        ssrc = try reader.ssrc()
        ntpTimestamp = try reader.u64()
        rtpTimestamp = try reader.u32()
        packetCount = try reader.u32()
        octetCount = try reader.u32()
        reports = try ReportBlock.readBlocks(Int(count), from: &reader)
        profileExtension = reader.readRemaining()
    }

    /// The middle 32 bits of the NTP timestamp, which receivers echo as LSR (RFC 3550 §6.4.1).
    public var compactNTP: UInt32 { UInt32(truncatingIfNeeded: ntpTimestamp >> 16) }

    var blockCount: Int { min(reports.count, 31) }
    var bodySize: Int {
        24 + blockCount * ReportBlock.size + profileExtension.count + paddingToWord(profileExtension.count)
    }

    /// Bytes the packet occupies.
    public var encodedSize: Int { 4 + bodySize }

    /// Writes the packet with its header.
    public func encode(into writer: inout ByteWriter) { encode(into: &writer, paddingLength: 0) }

    func encode(into writer: inout ByteWriter, paddingLength: Int) {
        RTCPHeader.write(count: UInt8(blockCount), packetType: RTCPHeader.senderReport, bodySize: bodySize,
                         paddingLength: paddingLength, into: &writer)
        writer.write(ssrc.rawValue)
        writer.write(ntpTimestamp)
        writer.write(rtpTimestamp)
        writer.write(packetCount)
        writer.write(octetCount)
        for block in reports.prefix(blockCount) { block.encode(into: &writer) }
        writer.write(bytes: profileExtension)
        writer.writeZeros(paddingToWord(profileExtension.count))
        RTCPHeader.writePadding(paddingLength, into: &writer)
    }
}
