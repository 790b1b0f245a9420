import MediaSession
import RTP
import Wire

/// Packets and sessions the forwarding tests share: a video route from mid "1" back onto itself with RTX, and an
/// audio route on mid "0".
enum ForwardingFixtures {
    static let sourceVideoSSRC = SSRC(0x1111)
    static let sourceAudioSSRC = SSRC(0x2222)
    static let echoVideoSSRC = SSRC(0xAAAA)
    static let echoRTXSSRC = SSRC(0xAAAB)
    static let echoAudioSSRC = SSRC(0xBBBB)
    static let vp8 = PayloadType(truncating: 96)
    static let rtx = PayloadType(truncating: 97)
    static let opus = PayloadType(truncating: 111)

    static var routes: [ForwardingRoute] {
        [ForwardingRoute(kind: .audio, inboundMid: "0", outboundMid: "0", outboundSSRC: echoAudioSSRC,
                         clockRate: 48_000),
         ForwardingRoute(kind: .video, inboundMid: "1", outboundMid: "1", outboundSSRC: echoVideoSSRC,
                         outboundRTX: .init(ssrc: echoRTXSSRC, payloadType: rtx), inboundRTXPayloadType: rtx,
                         clockRate: 90_000)]
    }

    static let ntp = NTPClock(referenceInstant: .zero, referenceNTP: 0xE000_0000_0000_0000)

    static func session(seed: UInt64 = 7) -> MediaSession {
        MediaSession(routes: routes, ntp: ntp, cname: "echo@test", random: SeededGenerator(seed: seed))
    }

    /// Video packet `sequence` of the source (frame = sequence / 3, three packets a frame).
    static func video(_ sequence: UInt16) -> RTPPacket {
        RTPPacket(marker: sequence % 3 == 2, payloadType: vp8, sequenceNumber: sequence,
                  timestamp: UInt32(sequence / 3) * 3000, ssrc: sourceVideoSSRC,
                  payload: ([0x90, 0x80, UInt8(truncatingIfNeeded: sequence)] + Array(repeating: 0x42, count: 100))[...])
    }

    static func audio(_ sequence: UInt16) -> RTPPacket {
        RTPPacket(payloadType: opus, sequenceNumber: sequence, timestamp: UInt32(sequence) * 960,
                  ssrc: sourceAudioSSRC, payload: [0x78, UInt8(truncatingIfNeeded: sequence), 1, 2, 3][...])
    }

    /// Everything the session wants sent, split into RTP (with its mid) and parsed RTCP packets.
    static func drain(_ session: inout MediaSession) -> (rtp: [(Mid, RTPPacket)], rtcp: [RTCPPacket]) {
        var rtp: [(Mid, RTPPacket)] = [], rtcp: [RTCPPacket] = []
        while let output = session.pollOutput() {
            switch output {
            case let .rtp(mid, packet): rtp.append((mid, packet))
            case let .rtcp(bytes): rtcp += (try? RTCPCompound(parsing: bytes[...]).packets) ?? []
            case .event: break
            }
        }
        return (rtp, rtcp)
    }

    static func compound(_ packets: [RTCPPacket]) -> [UInt8] { RTCPCompound(packets: packets).encoded }
}
