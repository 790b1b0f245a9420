/// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit MAC for short inputs.
///
/// It authenticates state cookies (RFC 9260 §5.1.3 asks for a MAC keyed by a secret only this endpoint knows).
/// SipHash is a pseudorandom function built for exactly this size of input, needs no crypto library (SCTP depends
/// on Wire alone), and its 64-bit tag is ample: a forger gets one guess per packet, and a cookie is only honoured
/// while its association's DTLS session (which already authenticates the peer) is up.
struct SipHash {
    private var v0: UInt64, v1: UInt64, v2: UInt64, v3: UInt64

    /// Starts a hash under the 128-bit key (k0, k1).
    init(k0: UInt64, k1: UInt64) {
        v0 = k0 ^ 0x736F_6D65_7073_6575
        v1 = k1 ^ 0x646F_7261_6E64_6F6D
        v2 = k0 ^ 0x6C79_6765_6E65_7261
        v3 = k1 ^ 0x7465_6462_7974_6573
    }

    private mutating func round() {
        v0 &+= v1; v1 = v1.rotatedLeft(13); v1 ^= v0; v0 = v0.rotatedLeft(32)
        v2 &+= v3; v3 = v3.rotatedLeft(16); v3 ^= v2
        v0 &+= v3; v3 = v3.rotatedLeft(21); v3 ^= v0
        v2 &+= v1; v1 = v1.rotatedLeft(17); v1 ^= v2; v2 = v2.rotatedLeft(32)
    }

    private mutating func compress(_ word: UInt64) {
        v3 ^= word
        round(); round()
        v0 ^= word
    }

    /// The MAC of `bytes` under the key.
    static func mac(_ bytes: ArraySlice<UInt8>, k0: UInt64, k1: UInt64) -> UInt64 {
        var state = SipHash(k0: k0, k1: k1)
        var index = bytes.startIndex
        while bytes.endIndex - index >= 8 {
            var word: UInt64 = 0
            for offset in 0..<8 { word |= UInt64(bytes[index + offset]) << (8 * offset) }
            state.compress(word)
            index += 8
        }
        var last = UInt64(truncatingIfNeeded: bytes.count) << 56
        for offset in 0..<(bytes.endIndex - index) { last |= UInt64(bytes[index + offset]) << (8 * offset) }
        state.compress(last)
        state.v2 ^= 0xFF
        state.round(); state.round(); state.round(); state.round()
        return state.v0 ^ state.v1 ^ state.v2 ^ state.v3
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
