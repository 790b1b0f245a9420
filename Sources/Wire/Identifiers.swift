/// Synchronization source: the 32-bit identifier of an RTP stream (RFC 3550 §3).
public struct SSRC: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The value as carried on the wire.
    public var rawValue: UInt32
    /// Wraps a wire value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Wraps a wire value.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    /// Ordered by value, so collections of streams sort predictably.
    public static func < (lhs: SSRC, rhs: SSRC) -> Bool { lhs.rawValue < rhs.rawValue }
    /// Decimal, as SDP `a=ssrc:` lines write it.
    public var description: String { String(rawValue) }
}

/// An RTP payload type (RFC 3550 §5.1): seven bits, 0...127.
public struct PayloadType: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The seven-bit value.
    public let rawValue: UInt8
    /// Nil when `rawValue` does not fit in seven bits.
    public init?(rawValue: UInt8) {
        guard rawValue < 128 else { return nil }
        self.rawValue = rawValue
    }
    /// Keeps the low seven bits: for values read from a seven-bit wire field.
    public init(truncating value: UInt8) { rawValue = value & 0x7F }
    /// Ordered by value.
    public static func < (lhs: PayloadType, rhs: PayloadType) -> Bool { lhs.rawValue < rhs.rawValue }
    /// Decimal, as SDP writes it.
    public var description: String { String(rawValue) }
}

/// A media identification tag (RFC 9143 `a=mid`), which names a media section inside a BUNDLE group.
public struct Mid: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The tag as written in SDP and in the RTP MID header extension.
    public var rawValue: String
    /// Wraps a tag.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a tag.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// A tag written as a literal.
    public init(stringLiteral value: String) { rawValue = value }
    /// The tag itself.
    public var description: String { rawValue }
}

/// A 64-bit RTP sequence number that never wraps: the 16-bit wire value extended with a roll-over count
/// (RFC 3550 Appendix A.1), so ordering and gaps are plain integer arithmetic.
public struct ExtendedSequenceNumber: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Roll-over count in the high 48 bits, wire sequence number in the low 16.
    public var rawValue: UInt64
    /// Wraps an extended value.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The 16-bit value carried on the wire.
    public var wireValue: UInt16 { UInt16(truncatingIfNeeded: rawValue) }
    /// How many times the 16-bit counter has wrapped.
    public var rollOverCount: UInt64 { rawValue >> 16 }
    /// Ordered by extended value.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    /// Decimal extended value.
    public var description: String { String(rawValue) }
}

/// Turns a stream of 16-bit sequence numbers into `ExtendedSequenceNumber`s, guessing the roll-over from the
/// highest number seen so far: a value more than half the space away is taken to have wrapped (RFC 3550 A.1).
public struct SequenceNumberUnwrapper: Sendable {
    private var highest: UInt64?

    /// A fresh unwrapper that has seen no packet.
    public init() {}

    /// The extended form of `wire`, which also advances the highest number seen when `wire` is newer.
    public mutating func unwrap(_ wire: UInt16) -> ExtendedSequenceNumber {
        guard let highest else {
            // Start one cycle up so a slightly older packet right after the first still has a place below it.
            let first = (1 << 16) | UInt64(wire)
            self.highest = first
            return ExtendedSequenceNumber(rawValue: first)
        }
        let delta = Int16(bitPattern: wire &- UInt16(truncatingIfNeeded: highest))
        let candidate = UInt64(max(0, Int64(highest) + Int64(delta)))
        if candidate > highest { self.highest = candidate }
        return ExtendedSequenceNumber(rawValue: candidate)
    }

    /// The highest extended sequence number seen, if any.
    public var highestSeen: ExtendedSequenceNumber? { highest.map(ExtendedSequenceNumber.init(rawValue:)) }
}
