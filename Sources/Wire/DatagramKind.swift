/// What kind of packet a datagram on a WebRTC 5-tuple carries, by its first byte (RFC 7983 §7, updating
/// RFC 5764 §5.1.2), with RTP and RTCP told apart by the packet type (RFC 5761 §4).
///
/// ```
///                  +----------------+
///                  |        [0..3] -+--> forward to STUN
///                  |                |
///                  |      [16..19] -+--> forward to ZRTP
///                  |                |
///      packet -->  |      [20..63] -+--> forward to DTLS
///                  |                |
///                  |      [64..79] -+--> forward to TURN Channel
///                  |                |
///                  |    [128..191] -+--> forward to RTP/RTCP
///                  +----------------+
/// ```
public enum DatagramKind: Equatable, Sendable {
    /// A STUN message (binding requests, TURN messages).
    case stun
    /// ZRTP, which WebRTC does not use.
    case zrtp
    /// A DTLS record.
    case dtls
    /// TURN ChannelData (RFC 8656 §12.4).
    case turnChannelData
    /// An RTP packet.
    case rtp
    /// An RTCP packet (second byte 192...223, RFC 5761 §4).
    case rtcp
    /// Anything else, including an empty datagram: dropped by the receiver.
    case unknown

    /// Classifies a datagram by its first one or two bytes.
    @inlinable  // specialized where it is called: the per-packet path must not allocate in generic code
    public init<Bytes: Collection>(classifying datagram: Bytes) where Bytes.Element == UInt8 {
        guard let first = datagram.first else {
            self = .unknown
            return
        }
        switch first {
        case 0...3: self = .stun
        case 16...19: self = .zrtp
        case 20...63: self = .dtls
        case 64...79: self = .turnChannelData
        case 128...191:
            let second = datagram.dropFirst().first
            // RTCP packet types 192...223 collide with RTP marker+payload type; RFC 5761 §4 reserves them for RTCP.
            if let second, (192...223).contains(second) {
                self = .rtcp
            } else {
                self = datagram.count >= 2 ? .rtp : .unknown
            }
        default: self = .unknown
        }
    }
}
