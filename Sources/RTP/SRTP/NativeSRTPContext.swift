import COpenSSL
import Wire

/// One direction of SRTP/SRTCP protection (RFC 3711, RFC 7714) for every SSRC of a session, written in LinkUp on
/// OpenSSL 3 EVP: AES_CM_128_HMAC_SHA1_80, AEAD_AES_128_GCM and AEAD_AES_256_GCM.
///
/// The same shape as `SRTPContext` (libsrtp), which the tests keep as the byte-for-byte oracle. Session keys are
/// derived once (RFC 3711 §4.3), the EVP cipher and MAC contexts live as long as the context, and per packet the
/// work happens in place in the caller's output array: no allocation once the array and the per-SSRC state exist.
/// Each SSRC gets its own 128-packet replay window for SRTP and for SRTCP (§3.3.2), a ROC estimated from the
/// sequence numbers (§3.3.1), and on the sending side an SRTCP index that starts at 1, as libsrtp's does.
/// A class because it owns OpenSSL contexts; one owner uses it.
public final class NativeSRTPContext {
    /// Which way the context works.
    public typealias Direction = SRTPContext.Direction

    /// The profile the context was keyed for.
    public let profile: SRTPProfile
    /// Which way the context works.
    public let direction: Direction

    private enum Transform {
        /// RFC 3711 §4.1.1 AES-CM with §4.2.1 HMAC-SHA1-80.
        case counterMode(rtp: AESCounterMode, rtcp: AESCounterMode, rtpAuth: SRTPAuthentication,
            rtcpAuth: SRTPAuthentication)
        /// RFC 7714 AES-GCM.
        case gcm(rtp: AESGCM, rtcp: AESGCM)
    }

    /// Per-SSRC state (RFC 3711 §3.2.3: a cryptographic context per SSRC).
    struct Stream {
        var rtp = SRTPReplayWindow()
        var rtcp = SRTPReplayWindow(highest: SRTPReplayWindow.size - 1)
        var rtcpIndex: UInt32 = 0
    }

    private let transform: Transform
    private let rtpSalt: (UInt64, UInt64)
    private let rtcpSalt: (UInt64, UInt64)
    /// Where the SSRC goes in the IV: byte 4 of the AES-CM counter block, byte 2 of the 12-byte GCM IV; the
    /// 48-bit index follows it in both (RFC 3711 §4.1.1, RFC 7714 §8.1, §9.1).
    private let ssrcOffset: Int
    /// Per-SSRC state (internal, so tests can start a stream near the end of its SRTCP index space).
    var streams: [UInt32: Stream] = [:]

    /// The largest SRTCP index (31 bits, RFC 3711 §3.4).
    static let maximumRTCPIndex: UInt32 = 0x7FFF_FFFF

    /// A context for `profile` keyed with a master key and salt (RFC 3711 §4.3 key derivation, RFC 7714 §11).
    public init(profile: SRTPProfile, masterKey: [UInt8], masterSalt: [UInt8], direction: Direction)
        throws(SRTPError)
    {
        guard masterKey.count == profile.masterKeyLength, masterSalt.count == profile.masterSaltLength else {
            throw .invalidKeyLength(expectedKey: profile.masterKeyLength, expectedSalt: profile.masterSaltLength)
        }
        self.profile = profile
        self.direction = direction
        let keys = try SRTPKeyDerivation.sessionKeys(profile: profile, masterKey: masterKey, masterSalt: masterSalt)
        switch profile {
        case .aes128CmHmacSha1_80:
            transform = .counterMode(
                rtp: try AESCounterMode(key: keys.rtpKey), rtcp: try AESCounterMode(key: keys.rtcpKey),
                rtpAuth: try SRTPAuthentication(key: keys.rtpAuthKey),
                rtcpAuth: try SRTPAuthentication(key: keys.rtcpAuthKey))
            ssrcOffset = 4
        case .aeadAes128Gcm, .aeadAes256Gcm:
            transform = .gcm(rtp: try AESGCM(key: keys.rtpKey), rtcp: try AESGCM(key: keys.rtcpKey))
            ssrcOffset = 2
        }
        rtpSalt = Self.block(keys.rtpSalt)
        rtcpSalt = Self.block(keys.rtcpSalt)
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
    @inlinable
    public func protect<Bytes: Collection<UInt8>>(rtp packet: Bytes, into output: inout [UInt8]) throws(SRTPError) {
        Self.copy(packet, into: &output)
        try protectInPlace(&output)
    }

    /// Protects the RTP packet in `output` in place, appending the tag (no allocation once its capacity allows).
    public func protectInPlace(_ output: inout [UInt8]) throws(SRTPError) {
        guard let headerLength = Self.rtpHeaderLength(output, trailer: 0) else {
            output.removeAll(keepingCapacity: true)
            throw .malformedPacket
        }
        let (ssrc, sequence) = Self.rtpIdentifiers(output)
        // One dictionary access: estimate the index, refuse a repeat, record it.
        let index: UInt64? = Self.nextIndex(in: &streams[ssrc, default: Stream()].rtp, sequence: sequence)
        guard let index else {
            // Sending the same index twice would reuse keystream: refused, as libsrtp does without allow_repeat_tx.
            output.removeAll(keepingCapacity: true)
            throw .replayed
        }
        let length = output.count
        output.append(contentsOf: repeatElement(0, count: profile.rtpOverhead))
        var iv = Self.iv(salt: rtpSalt, ssrcOffset: ssrcOffset, ssrc: ssrc, index: index)
        withUnsafeBytes(of: &iv) { iv in
            output.withUnsafeMutableBytes { bytes in
                let payload = UnsafeMutableRawBufferPointer(rebasing: bytes[headerLength..<length])
                switch transform {
                case let .counterMode(cipher, _, auth, _):
                    // RFC 3711 §3.1: encrypt the payload, then authenticate header || ciphertext || ROC.
                    cipher.apply(iv: iv.baseAddress!, to: payload)
                    auth.computeTag(
                        UnsafeRawBufferPointer(rebasing: bytes[0..<length]),
                        trailer: UInt32(truncatingIfNeeded: index >> 16), into: bytes.baseAddress! + length)
                case let .gcm(cipher, _):
                    // RFC 7714 §8.2: the whole header (CSRCs and extension included) is the associated data.
                    cipher.seal(
                        iv: iv.baseAddress!, aad: UnsafeRawBufferPointer(rebasing: bytes[0..<headerLength]),
                        text: payload, tag: bytes.baseAddress! + length)
                }
            }
        }
    }

    /// The RTP packet inside an SRTP packet, after authentication and the replay check.
    public func unprotect(srtp packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        var output: [UInt8] = []
        try unprotect(srtp: packet, into: &output)
        return output
    }

    /// Unprotects `packet` into `output` (replacing its contents, keeping its capacity).
    @inlinable
    public func unprotect<Bytes: Collection<UInt8>>(srtp packet: Bytes, into output: inout [UInt8])
        throws(SRTPError)
    {
        Self.copy(packet, into: &output)
        try unprotectInPlace(&output)
    }

    /// Unprotects the SRTP packet in `output` in place, removing the tag; emptied when it is refused.
    public func unprotectInPlace(_ output: inout [UInt8]) throws(SRTPError) {
        let tagLength = profile.rtpOverhead
        guard let headerLength = Self.rtpHeaderLength(output, trailer: tagLength) else {
            output.removeAll(keepingCapacity: true)
            throw .malformedPacket
        }
        let (ssrc, sequence) = Self.rtpIdentifiers(output)
        let window = (streams[ssrc] ?? Stream()).rtp
        let index = window.estimateIndex(sequence: sequence)
        guard window.check(index) == .fresh else {
            output.removeAll(keepingCapacity: true)
            throw .replayed
        }
        let length = output.count - tagLength
        var iv = Self.iv(salt: rtpSalt, ssrcOffset: ssrcOffset, ssrc: ssrc, index: index)
        let authentic = withUnsafeBytes(of: &iv) { iv in
            output.withUnsafeMutableBytes { bytes -> Bool in
                let payload = UnsafeMutableRawBufferPointer(rebasing: bytes[headerLength..<length])
                switch transform {
                case let .counterMode(cipher, _, auth, _):
                    guard auth.verify(
                        UnsafeRawBufferPointer(rebasing: bytes[0..<length]),
                        trailer: UInt32(truncatingIfNeeded: index >> 16), tag: bytes.baseAddress! + length)
                    else { return false }
                    cipher.apply(iv: iv.baseAddress!, to: payload)
                    return true
                case let .gcm(cipher, _):
                    return cipher.open(
                        iv: iv.baseAddress!, aad: UnsafeRawBufferPointer(rebasing: bytes[0..<headerLength]),
                        text: payload, tag: bytes.baseAddress! + length)
                }
            }
        }
        guard authentic else {
            output.removeAll(keepingCapacity: true)
            throw .authenticationFailed
        }
        streams[ssrc, default: Stream()].rtp.accept(index)
        output.removeLast(tagLength)
    }

    // MARK: RTCP

    /// An SRTCP packet (RFC 3711 §3.4) from a (compound) RTCP packet.
    public func protectRTCP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        var output: [UInt8] = []
        try protectRTCP(packet, into: &output)
        return output
    }

    /// Protects an RTCP packet into `output` (replacing its contents, keeping its capacity). Always encrypted
    /// (E = 1), with the stream's next SRTCP index.
    ///
    /// ```
    /// AES-CM (RFC 3711 §3.4):  header(8) | encrypted rest | E | SRTCP index(31) | tag(10)
    /// AES-GCM (RFC 7714 §9.1): header(8) | encrypted rest | tag(16) | E | SRTCP index(31)
    /// ```
    @inlinable
    public func protectRTCP<Bytes: Collection<UInt8>>(_ packet: Bytes, into output: inout [UInt8]) throws(SRTPError) {
        Self.copy(packet, into: &output)
        try protectRTCPInPlace(&output)
    }

    /// Protects the RTCP packet in `output` in place, appending the SRTCP trailer and tag.
    public func protectRTCPInPlace(_ output: inout [UInt8]) throws(SRTPError) {
        guard output.count >= 8, output[0] >> 6 == 2 else {
            output.removeAll(keepingCapacity: true)
            throw .malformedPacket
        }
        let ssrc = Self.load32(output, at: 4)
        let current = streams[ssrc, default: Stream()].rtcpIndex
        guard current < Self.maximumRTCPIndex else {
            output.removeAll(keepingCapacity: true)
            throw .library(code: 15)  // libsrtp's srtp_err_status_key_expired: the index space is used up
        }
        let index = current + 1
        streams[ssrc, default: Stream()].rtcpIndex = index
        let trailer = 0x8000_0000 | index
        let length = output.count
        output.append(contentsOf: repeatElement(0, count: profile.rtcpOverhead))
        var iv = Self.iv(salt: rtcpSalt, ssrcOffset: ssrcOffset, ssrc: ssrc, index: UInt64(index))
        withUnsafeBytes(of: &iv) { iv in
            output.withUnsafeMutableBytes { bytes in
                let body = UnsafeMutableRawBufferPointer(rebasing: bytes[8..<length])
                switch transform {
                case let .counterMode(_, cipher, _, auth):
                    cipher.apply(iv: iv.baseAddress!, to: body)
                    bytes.storeBytes(of: trailer.bigEndian, toByteOffset: length, as: UInt32.self)
                    auth.computeTag(
                        UnsafeRawBufferPointer(rebasing: bytes[0..<(length + 4)]), trailer: nil,
                        into: bytes.baseAddress! + length + 4)
                case let .gcm(_, cipher):
                    let trailerOffset = length + AESGCM.tagLength
                    bytes.storeBytes(of: trailer.bigEndian, toByteOffset: trailerOffset, as: UInt32.self)
                    // RFC 7714 §9.2: AAD = the first 8 octets || E || SRTCP index.
                    cipher.seal(
                        iv: iv.baseAddress!, aad: UnsafeRawBufferPointer(rebasing: bytes[0..<8]),
                        aad2: UnsafeRawBufferPointer(rebasing: bytes[trailerOffset..<(trailerOffset + 4)]),
                        text: body, tag: bytes.baseAddress! + length)
                }
            }
        }
    }

    /// The RTCP packet inside an SRTCP packet, after authentication and the replay check.
    public func unprotectRTCP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        var output: [UInt8] = []
        try unprotectRTCP(packet, into: &output)
        return output
    }

    /// Unprotects an SRTCP packet into `output` (replacing its contents, keeping its capacity). Accepts E = 0
    /// (authenticated only) as well as encrypted packets.
    @inlinable
    public func unprotectRTCP<Bytes: Collection<UInt8>>(_ packet: Bytes, into output: inout [UInt8])
        throws(SRTPError)
    {
        Self.copy(packet, into: &output)
        try unprotectRTCPInPlace(&output)
    }

    /// Unprotects the SRTCP packet in `output` in place, removing the trailer and tag; emptied when refused.
    public func unprotectRTCPInPlace(_ output: inout [UInt8]) throws(SRTPError) {
        let overhead = profile.rtcpOverhead
        guard output.count >= 8 + overhead, output[0] >> 6 == 2 else {
            output.removeAll(keepingCapacity: true)
            throw .malformedPacket
        }
        let ssrc = Self.load32(output, at: 4)
        let length = output.count - overhead
        let isAEAD: Bool
        if case .gcm = transform { isAEAD = true } else { isAEAD = false }
        let trailerOffset = isAEAD ? length + AESGCM.tagLength : length
        let trailer = Self.load32(output, at: trailerOffset)
        let encrypted = trailer & 0x8000_0000 != 0
        let index = UInt64(trailer & Self.maximumRTCPIndex)
        guard (streams[ssrc] ?? Stream()).rtcp.check(index) == .fresh else {
            output.removeAll(keepingCapacity: true)
            throw .replayed
        }
        var iv = Self.iv(salt: rtcpSalt, ssrcOffset: ssrcOffset, ssrc: ssrc, index: index)
        let authentic = withUnsafeBytes(of: &iv) { iv in
            output.withUnsafeMutableBytes { bytes -> Bool in
                switch transform {
                case let .counterMode(_, cipher, _, auth):
                    guard auth.verify(
                        UnsafeRawBufferPointer(rebasing: bytes[0..<(length + 4)]), trailer: nil,
                        tag: bytes.baseAddress! + length + 4)
                    else { return false }
                    if encrypted { cipher.apply(iv: iv.baseAddress!, to: .init(rebasing: bytes[8..<length])) }
                    return true
                case let .gcm(_, cipher):
                    // RFC 7714 §9.3: unencrypted SRTCP authenticates the whole packet as associated data.
                    let aadEnd = encrypted ? 8 : length
                    return cipher.open(
                        iv: iv.baseAddress!, aad: UnsafeRawBufferPointer(rebasing: bytes[0..<aadEnd]),
                        aad2: UnsafeRawBufferPointer(rebasing: bytes[trailerOffset..<(trailerOffset + 4)]),
                        text: .init(rebasing: bytes[aadEnd..<length]), tag: bytes.baseAddress! + length)
                }
            }
        }
        guard authentic else {
            output.removeAll(keepingCapacity: true)
            throw .authenticationFailed
        }
        streams[ssrc, default: Stream()].rtcp.accept(index)
        output.removeLast(overhead)
    }

    // MARK: Internals

    /// The sender's index for `sequence`, recorded in `window`; nil if it was already used or is too old.
    private static func nextIndex(in window: inout SRTPReplayWindow, sequence: UInt16) -> UInt64? {
        let index = window.estimateIndex(sequence: sequence)
        guard window.check(index) == .fresh else { return nil }
        window.accept(index)
        return index
    }

    /// Replaces `output`'s contents with `packet`: one memcpy for contiguous input (Array, ArraySlice).
    @usableFromInline
    static func copy<Bytes: Collection<UInt8>>(_ packet: Bytes, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        let copied: Void? = packet.withContiguousStorageIfAvailable { output.append(contentsOf: $0) }
        if copied == nil { output.append(contentsOf: packet) }
    }

    /// The RTP header's length (RFC 3550 §5.1, §5.3.1: fixed part, CSRCs, extension), or nil when `packet` is not
    /// version 2 or too short to hold it plus `trailer` bytes.
    ///
    /// ```
    ///  0                   1                   2                   3
    ///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
    /// |                           timestamp                           |
    /// |           synchronization source (SSRC) identifier            |
    /// |            contributing source (CSRC) identifiers             |
    /// |      defined by profile       |           length              |
    /// |                        header extension                       |
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// ```
    private static func rtpHeaderLength(_ packet: [UInt8], trailer: Int) -> Int? {
        guard packet.count >= 12 + trailer, packet[0] >> 6 == 2 else { return nil }
        var length = 12 + 4 * Int(packet[0] & 0x0F)
        if packet[0] & 0x10 != 0 {
            guard packet.count >= length + 4 + trailer else { return nil }
            length += 4 + 4 * (Int(packet[length + 2]) << 8 | Int(packet[length + 3]))
        }
        return packet.count >= length + trailer ? length : nil
    }

    private static func rtpIdentifiers(_ packet: [UInt8]) -> (ssrc: UInt32, sequence: UInt16) {
        (load32(packet, at: 8), UInt16(packet[2]) << 8 | UInt16(packet[3]))
    }

    private static func load32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    /// A session salt placed at the start of a 16-byte block, zero-padded on the right.
    private static func block(_ salt: [UInt8]) -> (UInt64, UInt64) {
        var block: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &block) { bytes in
            for (offset, byte) in salt.prefix(16).enumerated() { bytes[offset] = byte }
        }
        return block
    }

    /// The IV: the salt XOR the SSRC at `ssrcOffset` XOR the 48-bit index right after it (RFC 3711 §4.1.1:
    /// (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16); RFC 7714 §8.1, §9.1: 0x0000 || SSRC || index, XOR salt).
    private static func iv(salt: (UInt64, UInt64), ssrcOffset: Int, ssrc: UInt32, index: UInt64)
        -> (UInt64, UInt64)
    {
        var iv = salt
        withUnsafeMutableBytes(of: &iv) { bytes in
            for shift in 0..<4 { bytes[ssrcOffset + shift] ^= UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * shift)) }
            for shift in 0..<6 {
                bytes[ssrcOffset + 4 + shift] ^= UInt8(truncatingIfNeeded: index >> (40 - 8 * shift))
            }
        }
        return iv
    }
}
