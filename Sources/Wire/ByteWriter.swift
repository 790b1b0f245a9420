/// Appends big-endian (network order) integers and bytes to a growable buffer.
///
/// Encoders compute their `encodedSize` first and create the writer with that capacity, so a packet is written
/// with one allocation. `patch` methods fill in length and checksum fields once the rest is known.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer that reserves room for `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// An empty writer over `storage`'s memory: its contents are dropped, its capacity kept, so a caller that
    /// recycles buffers (a retransmission history's slots, a pool of send buffers) writes without allocating.
    /// `storage` should be the only reference to its memory (hand it over with `takeBytes()` or `swap`), or the
    /// first write copies it.
    public init(reusing storage: consuming [UInt8], capacity: Int = 0) {
        bytes = consume storage
        bytes.removeAll(keepingCapacity: true)
        if bytes.capacity < capacity { bytes.reserveCapacity(capacity) }
    }

    /// How many bytes have been written.
    public var count: Int { bytes.count }

    /// Hands the written bytes over, leaving the writer empty: the caller's array is then the only reference to
    /// the storage, so appending to it within the reserved capacity (an SRTP tag) does not copy.
    public mutating func takeBytes() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        return taken
    }

    /// Appends one byte.
    public mutating func write(_ value: UInt8) { bytes.append(value) }

    /// Appends a big-endian 16-bit integer.
    public mutating func write(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends the low 24 bits of `value`, big-endian.
    public mutating func writeUInt24(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a big-endian 32-bit integer.
    public mutating func write(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    /// Appends a big-endian 64-bit integer.
    public mutating func write(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    /// Appends raw bytes.
    public mutating func write<Bytes: Sequence>(bytes source: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: source)
    }

    /// Appends `count` zero bytes (padding).
    public mutating func writeZeros(_ count: Int) {
        bytes.append(contentsOf: repeatElement(0, count: max(0, count)))
    }

    /// Overwrites two bytes at `index` with a big-endian 16-bit value; `index` must lie inside what was written.
    public mutating func patch(_ value: UInt16, at index: Int) {
        precondition(index >= 0 && index + 2 <= bytes.count, "patch outside written bytes: an encoder bug")
        bytes[index] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[index + 1] = UInt8(truncatingIfNeeded: value)
    }

    /// Overwrites four bytes at `index` with a big-endian 32-bit value; `index` must lie inside what was written.
    public mutating func patch(_ value: UInt32, at index: Int) {
        precondition(index >= 0 && index + 4 <= bytes.count, "patch outside written bytes: an encoder bug")
        for offset in 0..<4 { bytes[index + offset] = UInt8(truncatingIfNeeded: value >> (24 - 8 * offset)) }
    }

    /// Overwrites one byte at `index`; `index` must lie inside what was written.
    public mutating func patch(_ value: UInt8, at index: Int) {
        precondition(index >= 0 && index < bytes.count, "patch outside written bytes: an encoder bug")
        bytes[index] = value
    }
}
