import Wire
import CSRTP

/// libsrtp's global initialisation, run once per process (a lazy global is initialised exactly once, thread-safely).
private let libsrtpStatus: srtp_err_status_t = srtp_init()

/// One direction of SRTP/SRTCP protection (RFC 3711, RFC 7714) for every SSRC of a session, backed by libsrtp 2.
///
/// An outbound context protects what this peer sends (keyed with its own write key and salt from DTLS-SRTP); an
/// inbound context unprotects what it receives (keyed with the peer's), with libsrtp's default 128-packet replay
/// window (RFC 3711 §3.3.2). Streams are created per SSRC on first use (`ssrc_any_inbound` / `ssrc_any_outbound`).
///
/// Per packet, libsrtp works in place in a scratch buffer owned by the context, so the `into:` variants allocate
/// nothing once the caller's output array has capacity. A class because it owns a libsrtp session; one owner uses it.
public final class SRTPContext {
    /// Which way the context works.
    public enum Direction: Sendable {
        /// Unprotects received packets.
        case inbound
        /// Protects packets to send.
        case outbound
    }

    /// The profile the context was keyed for.
    public let profile: SRTPProfile
    /// Which way the context works.
    public let direction: Direction

    private let session: srtp_t
    private var scratch: UnsafeMutableRawPointer
    private var scratchCapacity: Int
    // Room libsrtp may append: tag plus MKI (SRTP_MAX_TRAILER_LEN) plus the SRTCP index word.
    private static let trailerRoom = Int(SRTP_MAX_TRAILER_LEN) + 4

    /// Runs libsrtp's once-per-process set-up now rather than inside the first call's set-up. srtp_init runs the
    /// crypto self-tests; with an NSS-backed libsrtp2 (Debian's) every test cipher initialises and shuts down NSS,
    /// loading its softokn module each time: 100-300 ms on the peer's own thread, between the DTLS handshake and
    /// the first media packet, if it is left to the first context. Idempotent; throws if libsrtp failed to start.
    public static func prepareLibrary() throws(SRTPError) {
        guard libsrtpStatus == srtp_err_status_ok else { throw .library(code: Int32(libsrtpStatus.rawValue)) }
    }

    /// A context for `profile` keyed with a master key and salt (libsrtp runs the RFC 3711 §4.3 key derivation).
    public init(profile: SRTPProfile, masterKey: [UInt8], masterSalt: [UInt8], direction: Direction)
        throws(SRTPError)
    {
        guard libsrtpStatus == srtp_err_status_ok else { throw .library(code: Int32(libsrtpStatus.rawValue)) }
        guard masterKey.count == profile.masterKeyLength, masterSalt.count == profile.masterSaltLength else {
            throw .invalidKeyLength(expectedKey: profile.masterKeyLength, expectedSalt: profile.masterSaltLength)
        }
        self.profile = profile
        self.direction = direction
        var policy = srtp_policy_t()
        let libsrtpProfile = srtp_profile_t(rawValue: UInt32(profile.rawValue))
        guard srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, libsrtpProfile) == srtp_err_status_ok,
            srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, libsrtpProfile) == srtp_err_status_ok
        else { throw .library(code: Int32(srtp_err_status_bad_param.rawValue)) }
        policy.ssrc.type = direction == .inbound ? ssrc_any_inbound : ssrc_any_outbound
        policy.window_size = 0  // libsrtp's default replay window (128)
        policy.allow_repeat_tx = 0
        var keyAndSalt = masterKey + masterSalt  // libsrtp's layout; it copies the key during srtp_create
        var created: srtp_t?
        let status = keyAndSalt.withUnsafeMutableBufferPointer { buffer in
            policy.key = buffer.baseAddress
            return srtp_create(&created, &policy)
        }
        guard status == srtp_err_status_ok, let created else { throw .library(code: Int32(status.rawValue)) }
        session = created
        scratchCapacity = 2048
        scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchCapacity, alignment: 16)
    }

    deinit {
        srtp_dealloc(session)
        scratch.deallocate()
    }

    // MARK: RTP

    /// An SRTP packet (RFC 3711 §3.1) from an RTP packet.
    public func protect(rtp packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        var output: [UInt8] = []
        try protect(rtp: packet, into: &output)
        return output
    }

    /// Protects `packet` (an Array or a slice of a larger buffer) into `output`, replacing its contents and keeping
    /// its capacity: no allocation once `output` is large enough.
    public func protect<Bytes: Collection<UInt8>>(rtp packet: Bytes, into output: inout [UInt8]) throws(SRTPError) {
        guard Self.looksLikeRTP(packet, minimum: 12) else { throw .malformedPacket }
        try run(packet, into: &output) { session, pointer, length in srtp_protect(session, pointer, length) }
    }

    /// The RTP packet inside an SRTP packet, after authentication and the replay check.
    public func unprotect(srtp packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        var output: [UInt8] = []
        try unprotect(srtp: packet, into: &output)
        return output
    }

    /// Unprotects `packet` into `output` (replacing its contents, keeping its capacity).
    public func unprotect<Bytes: Collection<UInt8>>(srtp packet: Bytes, into output: inout [UInt8])
        throws(SRTPError)
    {
        guard Self.looksLikeRTP(packet, minimum: 12) else { throw .malformedPacket }
        try run(packet, into: &output) { session, pointer, length in srtp_unprotect(session, pointer, length) }
    }

    // MARK: RTCP

    /// An SRTCP packet (RFC 3711 §3.4) from a (compound) RTCP packet.
    public func protectRTCP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        var output: [UInt8] = []
        try protectRTCP(packet, into: &output)
        return output
    }

    /// Protects an RTCP packet into `output` (replacing its contents, keeping its capacity).
    public func protectRTCP<Bytes: Collection<UInt8>>(_ packet: Bytes, into output: inout [UInt8]) throws(SRTPError) {
        guard Self.looksLikeRTP(packet, minimum: 8) else { throw .malformedPacket }
        try run(packet, into: &output) { session, pointer, length in srtp_protect_rtcp(session, pointer, length) }
    }

    /// The RTCP packet inside an SRTCP packet, after authentication and the replay check.
    public func unprotectRTCP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        var output: [UInt8] = []
        try unprotectRTCP(packet, into: &output)
        return output
    }

    /// Unprotects an SRTCP packet into `output` (replacing its contents, keeping its capacity).
    public func unprotectRTCP<Bytes: Collection<UInt8>>(_ packet: Bytes, into output: inout [UInt8])
        throws(SRTPError)
    {
        guard Self.looksLikeRTP(packet, minimum: 8) else { throw .malformedPacket }
        try run(packet, into: &output) { session, pointer, length in srtp_unprotect_rtcp(session, pointer, length) }
    }

    // MARK: Internals

    /// RTP and RTCP both start with version 2 in the top bits (RFC 3550 §5.1, §6.4.1); libsrtp checks the rest.
    private static func looksLikeRTP<Bytes: Collection<UInt8>>(_ packet: Bytes, minimum: Int) -> Bool {
        packet.count >= minimum && packet.first.map { $0 >> 6 == 2 } == true
    }

    /// Copies `packet` into the scratch buffer, lets libsrtp transform it in place, and copies the result out.
    private func run<Bytes: Collection<UInt8>>(
        _ packet: Bytes, into output: inout [UInt8],
        _ transform: (srtp_t, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(SRTPError) {
        let needed = packet.count + Self.trailerRoom
        if needed > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(needed, scratchCapacity * 2)
            scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchCapacity, alignment: 16)
        }
        // Contiguous input (Array, ArraySlice) is copied with one memcpy; anything else byte by byte. No allocation.
        let count = packet.count
        let copied: Void? = packet.withContiguousStorageIfAvailable { buffer in
            if let base = buffer.baseAddress { scratch.copyMemory(from: base, byteCount: count) }
        }
        if copied == nil {
            let bytes = scratch.assumingMemoryBound(to: UInt8.self)
            for (index, byte) in packet.enumerated() { bytes[index] = byte }
        }
        var length = Int32(count)
        let status = transform(session, scratch, &length)
        switch status {
        case srtp_err_status_ok: break
        case srtp_err_status_replay_fail, srtp_err_status_replay_old: throw .replayed
        case srtp_err_status_auth_fail: throw .authenticationFailed
        case srtp_err_status_bad_param, srtp_err_status_parse_err: throw .malformedPacket
        default: throw .library(code: Int32(status.rawValue))
        }
        output.removeAll(keepingCapacity: true)
        output.append(contentsOf: UnsafeRawBufferPointer(start: scratch, count: Int(length)))
    }
}
