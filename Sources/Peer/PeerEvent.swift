import ICE
import RTP
import SCTP
import SDP
import Wire

/// The overall state of a `Peer`, as RTCPeerConnectionState names it: ICE and DTLS together.
public enum PeerConnectionState: String, Hashable, Sendable {
    /// Not yet negotiated.
    case new
    /// ICE checks or the DTLS handshake are running.
    case connecting
    /// ICE has a path and DTLS is done: SRTP flows.
    case connected
    /// The path stopped answering; it may come back.
    case disconnected
    /// ICE or DTLS failed; the peer will not recover.
    case failed
    /// Closed by the owner or by the remote side.
    case closed
}

/// What a `Peer` reports to its owner.
public enum PeerEvent: Sendable {
    /// A local ICE candidate to signal to the remote side (trickle ICE), with the media section it belongs to.
    case localCandidate(SDP.ICECandidate, mid: Mid, mLineIndex: Int)
    /// All local candidates have been signalled (send end-of-candidates).
    case localCandidatesComplete
    /// The ICE connection state changed.
    case iceStateChanged(ICEConnectionState)
    /// The overall connection state changed.
    case connectionStateChanged(PeerConnectionState)
    /// ICE selected (or nominated) the path media now takes.
    case selectedPairChanged(CandidatePair)
    /// DTLS finished: the negotiated SRTP protection profile.
    case dtlsConnected(profile: String)
    /// An authenticated, decrypted RTP packet for the transceiver `mid`.
    case rtp(mid: Mid, packet: RTPPacket)
    /// Authenticated, decrypted RTCP (one compound packet), for the transport.
    case rtcp([UInt8])
    /// The peer failed; the state is `failed` and the error says why.
    case failed(PeerError)
    /// A STUN or TURN server could not be used; the call goes on with the other candidates.
    case iceServerError(String)
    /// Something happened on the data channels: the association came up, a channel opened or closed, a message
    /// arrived, a buffer drained, or the association failed.
    case dataChannel(DataChannelEvent)
}

/// One thing for the runtime to do.
public enum PeerOutput: Sendable {
    /// Send this datagram.
    case transmit(Datagram)
    /// Tell the owner this.
    case event(PeerEvent)
    /// Open, write to or close a TCP/TLS connection to a TURN server.
    case stream(StreamCommand)
}
