/// A cursor over borrowed bytes that reads big-endian (network order) integers and byte ranges.
///
/// It shares the caller's storage: `bytes(count:)` returns an `ArraySlice` into the same buffer, so parsing a
/// packet copies nothing until a caller decides to keep a value. Every read checks the remaining length and throws
/// `WireError.truncated` rather than trapping.
public struct ByteReader: Sendable {
    /// The bytes being read; `position` and `endIndex` are indices into it.
    public let base: ArraySlice<UInt8>
    /// Index of the next byte to read.
    public private(set) var position: Int
    /// Where this reader stops (exclusive); a sub-reader ends before its parent does.
    public let endIndex: Int

    /// A reader over all of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    /// A reader over `slice`, keeping the slice's own indices.
    public init(_ slice: ArraySlice<UInt8>) {
        base = slice
        position = slice.startIndex
        endIndex = slice.endIndex
    }

    /// Bytes not yet read.
    public var remaining: Int { endIndex - position }
    /// True when every byte has been read.
    public var isAtEnd: Bool { position >= endIndex }
    /// How many bytes have been read since the start of this reader.
    public var offset: Int { position - base.startIndex }

    @inline(__always)
    private func require(_ count: Int) throws(WireError) {
        guard count >= 0, remaining >= count else {
            throw WireError.truncated(offset: offset, needed: count, available: remaining)
        }
    }

    /// Reads one byte.
    public mutating func readUInt8() throws(WireError) -> UInt8 {
        guard position < endIndex else { throw WireError.truncated(offset: offset, needed: 1, available: 0) }
        defer { position += 1 }
        return base[position]
    }

    /// Reads a big-endian 16-bit integer.
    public mutating func readUInt16() throws(WireError) -> UInt16 {
        try require(2)
        defer { position += 2 }
        return UInt16(base[position]) << 8 | UInt16(base[position + 1])
    }

    /// Reads a big-endian 24-bit integer into the low bits of a `UInt32`.
    public mutating func readUInt24() throws(WireError) -> UInt32 {
        try require(3)
        defer { position += 3 }
        return UInt32(base[position]) << 16 | UInt32(base[position + 1]) << 8 | UInt32(base[position + 2])
    }

    /// Reads a big-endian 32-bit integer.
    public mutating func readUInt32() throws(WireError) -> UInt32 {
        try require(4)
        defer { position += 4 }
        var value: UInt32 = 0
        for index in position..<(position + 4) { value = value << 8 | UInt32(base[index]) }
        return value
    }

    /// Reads a big-endian 64-bit integer.
    public mutating func readUInt64() throws(WireError) -> UInt64 {
        try require(8)
        defer { position += 8 }
        var value: UInt64 = 0
        for index in position..<(position + 8) { value = value << 8 | UInt64(base[index]) }
        return value
    }

    /// Reads `count` bytes as a slice of the shared buffer (no copy).
    public mutating func readBytes(_ count: Int) throws(WireError) -> ArraySlice<UInt8> {
        try require(count)
        defer { position += count }
        return base[position..<(position + count)]
    }

    /// A reader over the next `count` bytes, which this reader then skips: for length-prefixed sub-structures.
    public mutating func readReader(_ count: Int) throws(WireError) -> ByteReader {
        ByteReader(try readBytes(count))
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: Int) throws(WireError) {
        try require(count)
        position += count
    }

    /// Everything not yet read, as a slice; the reader is then at its end.
    public mutating func readRemaining() -> ArraySlice<UInt8> {
        defer { position = endIndex }
        return base[position..<endIndex]
    }

    /// The byte `ahead` positions after the cursor, without moving it.
    public func peekUInt8(ahead: Int = 0) throws(WireError) -> UInt8 {
        guard ahead >= 0, remaining > ahead else {
            throw WireError.truncated(offset: offset, needed: ahead + 1, available: remaining)
        }
        return base[position + ahead]
    }

    /// Everything not yet read, without moving the cursor.
    public var remainingBytes: ArraySlice<UInt8> { base[position..<endIndex] }
}
