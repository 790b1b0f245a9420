import Wire

/// A Picture Loss Indication (RFC 4585 §6.3.1): asks the media sender for a new key frame. It has no FCI.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|  FMT=1  |    PT=206     |          length=2             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                     SSRC of packet sender                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                      SSRC of media source                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct PictureLossIndication: Equatable, Hashable, Sendable {
    /// The feedback message type of a PLI.
    public static let format: UInt8 = 1

    /// The packet's sender.
    public var senderSSRC: SSRC
    /// The stream that should send a key frame.
    public var mediaSSRC: SSRC

    /// A PLI from its fields.
    public init(senderSSRC: SSRC, mediaSSRC: SSRC) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    /// Parses a stand-alone PLI.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        let (_, body) = try RTCPHeader.parseSingle(bytes, packetType: RTCPHeader.payloadFeedback,
                                                   format: Self.format)
        try self.init(body: body)
    }

    /// Parses the body that follows the common header; a PLI carries no FCI, so extra bytes are rejected.
    init(body: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(body)
        senderSSRC = try reader.ssrc()
        mediaSSRC = try reader.ssrc()
        guard reader.isAtEnd else { throw .invalidLength("PLI carries \(reader.remaining) unexpected FCI bytes") }
    }

    /// Bytes the packet occupies.
    public var encodedSize: Int { 12 }

    /// Writes the packet with its header.
    public func encode(into writer: inout ByteWriter) { encode(into: &writer, paddingLength: 0) }

    func encode(into writer: inout ByteWriter, paddingLength: Int) {
        RTCPHeader.write(count: Self.format, packetType: RTCPHeader.payloadFeedback, bodySize: 8,
                         paddingLength: paddingLength, into: &writer)
        writer.write(senderSSRC.rawValue)
        writer.write(mediaSSRC.rawValue)
        RTCPHeader.writePadding(paddingLength, into: &writer)
    }
}
