import Wire

/// The SRTP protection profile an `SRTPContext` protects with: the one type DTLS negotiates (defined in Wire, since
/// RTP does not import DTLS).
public typealias SRTPProfile = SRTPProtectionProfile
