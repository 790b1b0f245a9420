import Media
import RTP
import Wire

// Adapters between the loopback's media actors and the RTP media machinery (packetizer, jitter buffer, NACK and
// keyframe feedback). TEMPORARY: filled in when that machinery lands; until then nothing is packetized.

/// Turns encoded VP8 frames into RTP payloads.
struct VideoSendPath {
    struct Payload: Sendable {
        var payload: [UInt8]
        var marker: Bool
    }

    func packets(for frame: EncodedVideoFrame) -> [Payload] { [] }
}

/// Reassembles VP8 frames from RTP and produces feedback.
struct VideoReceivePath {
    struct Output {
        var frames: [[UInt8]] = []
        var dropped = 0
        var feedback: [UInt8] = []
        var nacks = 0
        var plis = 0
    }

    init(rtxPayloadType: PayloadType?) {}
    mutating func receive(_ packet: RTPPacket, now: Instant) {}
    mutating func handleTimeout(now: Instant) {}
    mutating func poll(now: Instant) -> Output { Output() }
}
