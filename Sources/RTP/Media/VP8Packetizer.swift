import Wire

/// Splits encoded VP8 frames into RTP packets (RFC 7741 §4): every packet starts with a payload descriptor carrying
/// a 15-bit PictureID (M = 1) that grows by one per frame, the first packet has S = 1 and PID = 0, all packets of a
/// frame share its RTP timestamp (90 kHz clock), and the last one has the marker bit.
public struct VP8Packetizer: Sendable {
    /// The RTP clock rate of video (RFC 7741 §4.1).
    public static let clockRate: UInt32 = 90_000
    /// A default payload budget: 1200 bytes of RTP minus a 12-byte header and room for header extensions.
    public static let defaultMaxPayloadSize = 1200 - 12 - 28
    /// The stream's SSRC.
    public var ssrc: SSRC
    /// The negotiated payload type.
    public var payloadType: PayloadType
    /// The sequence number the next packet gets.
    public var nextSequenceNumber: UInt16
    /// The PictureID the next frame gets (15 bits).
    public var nextPictureID: UInt16
    /// Largest RTP payload (descriptor included) a packet may carry.
    public var maxPayloadSize: Int

    /// A packetizer starting at the given (normally random) sequence number and PictureID.
    public init(
        ssrc: SSRC, payloadType: PayloadType, initialSequenceNumber: UInt16, initialPictureID: UInt16 = 0,
        maxPayloadSize: Int = VP8Packetizer.defaultMaxPayloadSize
    ) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        nextSequenceNumber = initialSequenceNumber
        nextPictureID = initialPictureID & 0x7FFF
        // A descriptor is 4 bytes; keep at least one byte of VP8 data per packet.
        self.maxPayloadSize = max(maxPayloadSize, 5)
    }

    /// The packets of one encoded frame with RTP timestamp `timestamp`. `keyframe` marks reference frames that
    /// must not be discarded (N = 0 either way; the flag is kept for callers that log it).
    public mutating func packetize(frame: ArraySlice<UInt8>, timestamp: UInt32, keyframe: Bool = false) -> [RTPPacket] {
        var packets: [RTPPacket] = []
        packetize(frame: frame, timestamp: timestamp, keyframe: keyframe, into: &packets)
        return packets
    }

    /// Appends the packets of one frame to `packets` (lets a sender reuse one array across frames).
    public mutating func packetize(
        frame: ArraySlice<UInt8>, timestamp: UInt32, keyframe: Bool, into packets: inout [RTPPacket]
    ) {
        let pictureID = nextPictureID
        nextPictureID = (nextPictureID &+ 1) & 0x7FFF
        let descriptorSize = 4
        let chunk = maxPayloadSize - descriptorSize
        // Spread the bytes evenly so the last packet is not a runt.
        let count = max(1, (frame.count + chunk - 1) / chunk)
        let base = frame.count / count
        let extra = frame.count % count
        packets.reserveCapacity(packets.count + count)
        var offset = frame.startIndex
        for index in 0..<count {
            let size = base + (index < extra ? 1 : 0)
            let descriptor = VP8PayloadDescriptor(
                isNonReference: false, isStartOfPartition: index == 0, partitionIndex: 0,
                pictureID: .init(pictureID, isLong: true))
            var writer = ByteWriter(capacity: descriptorSize + size)
            descriptor.encode(into: &writer)
            writer.write(bytes: frame[offset..<(offset + size)])
            offset += size
            packets.append(RTPPacket(
                marker: index == count - 1, payloadType: payloadType, sequenceNumber: nextSequenceNumber,
                timestamp: timestamp, ssrc: ssrc, payload: writer.bytes[...]))
            nextSequenceNumber &+= 1
        }
    }
}
