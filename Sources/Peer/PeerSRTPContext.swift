import RTP

/// The SRTP implementation a `Peer` protects and unprotects media with: LinkUp's own, on OpenSSL EVP
/// (`NativeSRTPContext`). libsrtp 2 (`SRTPContext`, the same API) stays in RTP as the tests' oracle; pointing this
/// alias back at it is the one change that switches implementations.
typealias PeerSRTPContext = NativeSRTPContext
