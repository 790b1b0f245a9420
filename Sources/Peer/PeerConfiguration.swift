import DTLS
import ICE
import SDP
import Wire

/// What a `Peer` offers and how it connects.
public struct PeerConfiguration: Sendable {
    /// The media sections this side offers, in order (`createOffer`); an answer follows the offer's sections.
    public var media: [MediaKind]
    /// The direction offered for each section (the answer narrows it to what both sides do).
    public var direction: MediaDirection
    /// ICE tunables; the role is set by negotiation (the offerer controls).
    public var ice: ICEAgent.Configuration
    /// The canonical name announced in `a=ssrc ... cname:` and RTCP SDES.
    public var cname: String?
    /// The SRTP protection profiles offered in DTLS use_srtp, best first (RFC 5764 §4.1.2).
    public var srtpProfiles: [SRTPProtectionProfile] = SRTPProtectionProfile.preferenceOrder
    /// STUN and TURN servers to gather server-reflexive and relayed candidates from (addresses resolved).
    public var iceServers: [ICEServerEndpoint] = []
    /// The DTLS handshake must complete this long after ICE finds a path, or the peer fails with a sentence.
    public var dtlsHandshakeTimeout: Duration = .seconds(15)
    /// Whether offers carry a data channel section even before any channel is asked for (`createDataChannel`
    /// before the offer adds one anyway). Offered data channel sections are always accepted.
    public var offersDataChannels = false

    /// Audio and video, send and receive, default ICE timers.
    public init(media: [MediaKind] = [.audio, .video], direction: MediaDirection = .sendrecv,
                ice: ICEAgent.Configuration? = nil, cname: String? = nil) {
        self.media = media
        self.direction = direction
        // Not a default argument of type ICEAgent.Configuration: with that (a struct of 336 bytes and more), a
        // caller in another module using the default crashed (Swift 6.3.1; a jump to 0x3 after the default
        // argument's value overwrote the caller's frame), while passing the same value explicitly worked.
        self.ice = ice ?? ICEAgent.Configuration(role: .controlling)
        self.cname = cname
    }

    /// The payload types LinkUp offers (the numbers browsers use, so logs read familiar).
    static let opusPayloadType = PayloadType(rawValue: 111)!
    static let vp8PayloadType = PayloadType(rawValue: 96)!
    static let vp8RTXPayloadType = PayloadType(rawValue: 97)!
    /// The extension ID offered for `sdes:mid`.
    static let midExtensionID: UInt16 = 1
    /// The extension ID offered for the transport-wide sequence number (Chromium offers 3 as well).
    static let transportCCExtensionID: UInt16 = 3
    /// The extension ID offered for abs-send-time on video (Chromium offers 2 as well).
    static let absSendTimeExtensionID: UInt16 = 2

    /// The codecs offered for a kind of media, best first.
    static func offeredCodecs(for kind: MediaKind) -> [Codec] {
        switch kind {
        case .audio:
            return [.opus(opusPayloadType)]
        case .video:
            return [.vp8(vp8PayloadType), .rtx(vp8RTXPayloadType, associated: vp8PayloadType)]
        default:
            return []
        }
    }

    /// Whether LinkUp can send and receive `codec` (Opus and VP8, with RTX for VP8).
    static func supports(_ codec: Codec, kind: MediaKind) -> Bool {
        switch kind {
        case .audio: return codec.isNamed("opus") && codec.clockRate == 48_000
        case .video: return (codec.isNamed("VP8") || codec.isNamed("rtx")) && codec.clockRate == 90_000
        default: return false
        }
    }
}
