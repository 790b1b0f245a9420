import Media

/// The receive side of one Opus stream: packets in arrival order into the decoder, with the gaps of lost packets
/// filled. When packets are missing, the last missing one is rebuilt from the in-band FEC copy the next packet
/// carries (RFC 6716 §2.1.7, `opus_decode` with `decode_fec`), the earlier ones by packet-loss concealment; libopus
/// falls back to concealment itself when the packet carries no FEC. Late and duplicate packets are dropped (the
/// gap they belonged to was already filled).
struct OpusReceivePath {
    /// One decoded (or concealed) frame and the RTP timestamp it stands for.
    struct Decoded {
        var frame: AudioFrame
        var rtpTimestamp: UInt32
        /// True for a frame rebuilt from FEC or concealment rather than decoded from its own packet.
        var concealed: Bool
    }

    /// Longest gap (in packets) that is concealed; a longer one (a stream restart, a long outage) is skipped.
    static let maximumConcealedPackets = 5

    private let decoder: OpusDecoder
    private var expectedSequenceNumber: UInt16?
    private var lastTimestamp: UInt32 = 0
    private(set) var framesDecoded = 0
    /// Frames filled in for lost packets (FEC or concealment).
    private(set) var framesConcealed = 0
    /// Packets that arrived after their gap was filled, or twice.
    private(set) var packetsLate = 0

    init(channels: Int = 1) throws(MediaError) {
        decoder = try OpusDecoder(channels: channels)
    }

    /// Decodes one received packet, first filling any gap before it.
    mutating func receive(sequenceNumber: UInt16, timestamp: UInt32, payload: [UInt8]) -> [Decoded] {
        guard !payload.isEmpty else { return [] }
        var output: [Decoded] = []
        if let expected = expectedSequenceNumber {
            let gap = Int(Int16(bitPattern: sequenceNumber &- expected))
            if gap < 0 {
                packetsLate += 1
                return []
            }
            if gap > 0, gap <= Self.maximumConcealedPackets {
                output = conceal(gap, before: timestamp, next: payload)
            }
        }
        expectedSequenceNumber = sequenceNumber &+ 1
        lastTimestamp = timestamp
        if let frame = try? decoder.decode(payload) {
            framesDecoded += 1
            output.append(Decoded(frame: frame, rtpTimestamp: timestamp, concealed: false))
        }
        return output
    }

    /// `count` lost packets ending just before `timestamp`: their duration is the timestamp gap shared equally
    /// (20 ms when that is not a valid Opus duration).
    private mutating func conceal(_ count: Int, before timestamp: UInt32, next: [UInt8]) -> [Decoded] {
        let span = Int(Int32(bitPattern: timestamp &- lastTimestamp))
        var each = span / (count + 1)
        if each <= 0 || each % 120 != 0 || each > 5760 { each = 960 }
        var frames: [Decoded] = []
        for index in 0..<count {
            let isLast = index == count - 1
            guard let frame = try? decoder.decodeLost(nextPacket: isLast ? next : nil, samplesPerChannel: each)
            else { continue }
            framesConcealed += 1
            let stamp = timestamp &- UInt32(truncatingIfNeeded: each * (count - index))
            frames.append(Decoded(frame: frame, rtpTimestamp: stamp, concealed: true))
        }
        return frames
    }
}
