import Wire

/// The 96-bit STUN transaction identifier (RFC 8489 §5), kept as two integers so it hashes and compares without
/// allocating.
public struct TransactionID: Hashable, Sendable, CustomStringConvertible {
    /// The first 32 bits, big-endian.
    public let high: UInt32
    /// The last 64 bits, big-endian.
    public let low: UInt64

    /// An identifier from its two halves.
    public init(high: UInt32, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An identifier from exactly 12 bytes; nil for any other count.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 12 else { return nil }
        var high: UInt32 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 4 { high = high << 8 | UInt32(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// A fresh random identifier. RFC 8489 §5 asks for cryptographic randomness; the generator is injected so that
    /// protocol cores stay deterministic in tests (ARCHITECTURE.md, sans-IO contract).
    public init<Generator: RandomNumberGenerator>(using generator: inout Generator) {
        self.init(high: UInt32.random(in: .min ... .max, using: &generator),
                  low: UInt64.random(in: .min ... .max, using: &generator))
    }

    /// The 12 bytes in network order.
    public var bytes: [UInt8] {
        var writer = ByteWriter(capacity: 12)
        writer.write(high)
        writer.write(low)
        return writer.bytes
    }

    /// 24 lower-case hex digits.
    public var description: String { Hex.encode(bytes) }
}
