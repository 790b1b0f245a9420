import Wire

/// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1):
/// reception status and arrival time deltas for a range of transport-wide sequence numbers.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |V=2|P|  FMT=15 |    PT=205     |           length              |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                     SSRC of packet sender                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                      SSRC of media source                     |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |      base sequence number     |      packet status count      |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                 reference time                | fb pkt. count |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |          packet chunk         |         packet chunk          |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     .                                                               .
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |         packet chunk          |  recv delta   |  recv delta   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     .                                                               .
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |           recv delta          |  recv delta   | zero padding  |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// Small deltas are one unsigned byte and large deltas two signed bytes, both in 250 µs ticks; the first delta
/// is relative to the reference time (a 24-bit signed count of 64 ms), each later one to the previous packet.
public struct TransportFeedback: Equatable, Sendable {
    /// The feedback message type of transport-wide CC feedback.
    public static let format: UInt8 = 15

    /// What the feedback says about one transport-wide sequence number.
    public struct PacketResult: Equatable, Hashable, Sendable {
        /// The transport-wide sequence number.
        public var sequenceNumber: UInt16
        /// Whether it arrived and how its delta is encoded.
        public var status: PacketStatus
        /// Arrival time minus the previous received packet's (or the reference time), in 250 µs ticks;
        /// 0 when not received.
        public var delta: Int16

        /// A result from its fields.
        public init(sequenceNumber: UInt16, status: PacketStatus, delta: Int16 = 0) {
            self.sequenceNumber = sequenceNumber
            self.status = status
            self.delta = status.isReceived ? delta : 0
        }

        /// A received packet, with the status its delta needs.
        public static func received(_ sequenceNumber: UInt16, delta: Int16) -> PacketResult {
            PacketResult(sequenceNumber: sequenceNumber, status: .received(delta: delta), delta: delta)
        }

        /// A packet that has not arrived.
        public static func lost(_ sequenceNumber: UInt16) -> PacketResult {
            PacketResult(sequenceNumber: sequenceNumber, status: .notReceived)
        }
    }

    /// The packet's sender.
    public var senderSSRC: SSRC
    /// The media source field (unused by the draft; senders typically write an SSRC of theirs or 0).
    public var mediaSSRC: SSRC
    /// Transport-wide sequence number of the first packet described.
    public var baseSequenceNumber: UInt16
    /// How many packets, from the base sequence number on, the chunks describe.
    public var packetStatusCount: UInt16
    /// Sign-extended 24-bit reference time, in multiples of 64 ms.
    public var referenceTime: Int32
    /// Counts feedback packets sent, so the media sender can notice lost feedback (wraps at 256).
    public var feedbackPacketCount: UInt8
    /// The status chunks as carried on the wire.
    public var chunks: [PacketStatusChunk]
    /// One receive delta per received packet, in 250 µs ticks.
    public var deltas: [Int16]

    /// Parses a stand-alone feedback packet.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPError) {
        let (_, body) = try RTCPHeader.parseSingle(bytes, packetType: RTCPHeader.transportFeedback,
                                                   format: Self.format)
        try self.init(body: body)
    }

    /// Parses the body that follows the common header; trailing zero padding is ignored.
    init(body: ArraySlice<UInt8>) throws(RTPError) {
        var reader = ByteReader(body)
        senderSSRC = try reader.ssrc()
        mediaSSRC = try reader.ssrc()
        baseSequenceNumber = try reader.u16()
        packetStatusCount = try reader.u16()
        referenceTime = Int32(bitPattern: try reader.u24() << 8) >> 8
        feedbackPacketCount = try reader.u8()
        chunks = []
        var described = 0
        while described < Int(packetStatusCount) {
            let chunk = try PacketStatusChunk(raw: try reader.u16())
            chunks.append(chunk)
            described += chunk.symbolCount
        }
        deltas = []
        var remaining = Int(packetStatusCount)
        for chunk in chunks {
            let described = min(chunk.symbolCount, remaining)
            for index in 0..<described {
                switch chunk.status(at: index) {
                case .notReceived: break
                case .receivedSmallDelta: deltas.append(Int16(try reader.u8()))
                case .receivedLargeDelta: deltas.append(Int16(bitPattern: try reader.u16()))
                }
            }
            remaining -= described
        }
    }

    /// Feedback for `packets`, which must be consecutive sequence numbers starting at the first one; builds the
    /// chunks (run-length for long runs, otherwise the densest status vector) and the deltas.
    public init(
        senderSSRC: SSRC, mediaSSRC: SSRC, referenceTime: Int32, feedbackPacketCount: UInt8,
        packets: [PacketResult]
    ) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.referenceTime = referenceTime
        self.feedbackPacketCount = feedbackPacketCount
        let packets = packets.prefix(Int(UInt16.max))
        baseSequenceNumber = packets.first?.sequenceNumber ?? 0
        packetStatusCount = UInt16(packets.count)
        chunks = PacketStatusChunk.chunks(for: packets.map(\.status))
        deltas = packets.filter { $0.status.isReceived }.map { result in
            // A small delta must fit its unsigned byte; clamp rather than write a wrong value.
            result.status == .receivedSmallDelta ? min(max(result.delta, 0), 255) : result.delta
        }
    }

    /// Calls `body` with the first `count` statuses the chunks describe.
    static func forEachStatus(_ chunks: [PacketStatusChunk], count: Int, _ body: (PacketStatus) -> Void) {
        var remaining = count
        for chunk in chunks {
            for index in 0..<min(chunk.symbolCount, remaining) { body(chunk.status(at: index)) }
            remaining -= min(chunk.symbolCount, remaining)
            if remaining == 0 { return }
        }
    }

    /// The per-packet model: one result per described sequence number, with its delta.
    public var packets: [PacketResult] {
        var results: [PacketResult] = []
        results.reserveCapacity(Int(packetStatusCount))
        var deltaIndex = 0
        Self.forEachStatus(chunks, count: Int(packetStatusCount)) { status in
            let sequence = baseSequenceNumber &+ UInt16(truncatingIfNeeded: results.count)
            var delta: Int16 = 0
            if status.isReceived, deltaIndex < deltas.count {
                delta = deltas[deltaIndex]
                deltaIndex += 1
            }
            results.append(PacketResult(sequenceNumber: sequence, status: status, delta: delta))
        }
        return results
    }

    /// Reference time in microseconds (64 ms units).
    public var referenceTimeMicroseconds: Int64 { Int64(referenceTime) * 64_000 }

    var deltaBytes: Int {
        var bytes = 0
        var deltaCount = 0
        Self.forEachStatus(chunks, count: Int(packetStatusCount)) { status in
            guard status.isReceived, deltaCount < deltas.count else { return }
            deltaCount += 1
            bytes += status == .receivedSmallDelta ? 1 : 2
        }
        return bytes
    }

    var bodySize: Int {
        let raw = 16 + 2 * chunks.count + deltaBytes
        return raw + paddingToWord(raw)
    }

    /// Bytes the packet occupies.
    public var encodedSize: Int { 4 + bodySize }

    /// Writes the packet with its header, zero-padding the deltas to a 32-bit boundary.
    public func encode(into writer: inout ByteWriter) { encode(into: &writer, paddingLength: 0) }

    func encode(into writer: inout ByteWriter, paddingLength: Int) {
        let size = bodySize
        RTCPHeader.write(count: Self.format, packetType: RTCPHeader.transportFeedback, bodySize: size,
                         paddingLength: paddingLength, into: &writer)
        let start = writer.count
        writer.write(senderSSRC.rawValue)
        writer.write(mediaSSRC.rawValue)
        writer.write(baseSequenceNumber)
        writer.write(packetStatusCount)
        writer.writeUInt24(UInt32(bitPattern: referenceTime))
        writer.write(feedbackPacketCount)
        for chunk in chunks { writer.write(chunk.raw) }
        var deltaIndex = 0
        Self.forEachStatus(chunks, count: Int(packetStatusCount)) { status in
            guard status.isReceived, deltaIndex < deltas.count else { return }
            let delta = deltas[deltaIndex]
            deltaIndex += 1
            if status == .receivedSmallDelta {
                writer.write(UInt8(truncatingIfNeeded: delta))
            } else {
                writer.write(UInt16(bitPattern: delta))
            }
        }
        writer.writeZeros(size - (writer.count - start))
        RTCPHeader.writePadding(paddingLength, into: &writer)
    }
}
