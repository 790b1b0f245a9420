import Wire

/// Turns encoded VP8 frames into RTP payloads (RFC 7741 §4): a descriptor with a 15-bit PictureID on every packet,
/// S=1 on the first, the marker on the last.
public struct VP8RTPPacketizer: Sendable {
    /// One RTP payload and whether it ends its frame.
    public struct Payload: Sendable, Equatable {
        /// Descriptor and VP8 bytes.
        public var payload: [UInt8]
        /// The RTP marker bit: set on the last packet of a frame (RFC 7741 §4.1).
        public var marker: Bool
    }

    /// The largest RTP payload: leaves room for the RTP header, extensions and the SRTP tag within 1200 bytes.
    public var maximumPayloadSize = 1_100
    private var pictureID: UInt16

    /// A packetizer whose first PictureID is `firstPictureID` (a random start is allowed, RFC 7741 §4.2).
    public init(firstPictureID: UInt16 = 0, maximumPayloadSize: Int = 1_100) {
        pictureID = firstPictureID & 0x7FFF
        self.maximumPayloadSize = max(16, maximumPayloadSize)
    }

    /// The RTP payloads carrying one encoded frame, in order.
    public mutating func packets(for data: [UInt8]) -> [Payload] {
        defer { pictureID = (pictureID &+ 1) & 0x7FFF }
        var result: [Payload] = []
        var offset = 0
        repeat {
            let descriptor = VP8PayloadDescriptor(isStartOfPartition: offset == 0,
                                                  pictureID: .init(pictureID, isLong: true))
            let room = maximumPayloadSize - descriptor.encodedSize
            let end = min(data.count, offset + room)
            var writer = ByteWriter(capacity: descriptor.encodedSize + end - offset)
            descriptor.encode(into: &writer)
            writer.write(bytes: data[offset..<end])
            offset = end
            result.append(Payload(payload: writer.bytes, marker: offset >= data.count))
        } while offset < data.count
        return result
    }
}
