/// The replay list of one SRTP or SRTCP stream (RFC 3711 §3.3.2) as a sliding 128-packet bitmap, and for SRTP the
/// packet-index estimation from a 16-bit sequence number (§3.3.1, Appendix A).
///
/// Bit `d` of `seen` records that index `highest - d` was received and authenticated. An index above `highest` is
/// new; one `window` or more below it is too old; anything in between is a replay if its bit is set. The window is
/// 128 packets, libsrtp's default, so both implementations refuse the same packets.
struct SRTPReplayWindow {
    /// Packets the window remembers below and including the highest index.
    static let size: UInt64 = 128

    /// The highest index accepted so far (for SRTP: ROC * 2^16 + SEQ).
    private(set) var highest: UInt64
    private var seen: UInt128 = 0

    /// Why an index is refused.
    enum Verdict: Equatable {
        /// Neither seen nor too old.
        case fresh
        /// Seen already.
        case replayed
        /// Older than the window.
        case tooOld
    }

    /// A window whose highest index starts at `highest` with nothing seen. SRTP starts at 0 (ROC 0, SEQ 0); SRTCP
    /// starts at `size - 1`, so every index from 0 up is inside the first window, as in libsrtp's SRTCP window.
    init(highest: UInt64 = 0) {
        self.highest = highest
    }

    /// Whether `index` may be accepted (RFC 3711 §3.3.2); the window does not change.
    func check(_ index: UInt64) -> Verdict {
        if index > highest { return .fresh }
        let distance = highest - index
        if distance >= Self.size { return .tooOld }
        return seen & (1 << distance) != 0 ? .replayed : .fresh
    }

    /// Records `index` after its packet authenticated (RFC 3711 §3.3.2: update only after authentication).
    mutating func accept(_ index: UInt64) {
        if index > highest {
            let shift = index - highest
            seen = shift >= Self.size ? 1 : (seen << shift) | 1
            highest = index
        } else {
            let distance = highest - index
            if distance < Self.size { seen |= 1 << distance }
        }
    }

    /// The 48-bit SRTP index of a packet with sequence number `sequence`, estimated against the highest index
    /// seen (RFC 3711 §3.3.1 and Appendix A): the ROC of the highest, or one more or one less, whichever puts the
    /// index closest. Until the highest index has passed 2^15 the ROC is taken as 0, never as -1.
    func estimateIndex(sequence: UInt16) -> UInt64 {
        let localROC = highest >> 16
        let localSequence = UInt64(highest & 0xFFFF)
        let sequence = UInt64(sequence)
        if highest <= 0x8000 { return sequence }
        var roc = localROC
        if localSequence < 0x8000 {
            if sequence > localSequence + 0x8000 { roc = localROC &- 1 }
        } else if localSequence - 0x8000 > sequence {
            roc = localROC + 1
        }
        return (roc & 0xFFFF_FFFF) << 16 | sequence
    }
}
