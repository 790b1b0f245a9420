// IVF, Ogg, WAV and Opus headers are little-endian, unlike the network-order formats Wire.ByteReader serves, so
// Media carries its own small little-endian reader and writer helpers.

/// A bounds-checked little-endian cursor over bytes; every read throws `MediaError.truncated` instead of trapping.
struct LittleEndianReader {
    /// The bytes being read.
    let bytes: [UInt8]
    /// The next byte to read.
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    private func need(_ count: Int) throws(MediaError) {
        if count < 0 || remaining < count { throw .truncated(offset: offset, needed: count - max(remaining, 0)) }
    }

    mutating func readUInt8() throws(MediaError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt16() throws(MediaError) -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    mutating func readUInt32() throws(MediaError) -> UInt32 {
        try need(4)
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * index) }
        offset += 4
        return value
    }

    mutating func readUInt64() throws(MediaError) -> UInt64 {
        try need(8)
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * index) }
        offset += 8
        return value
    }

    mutating func readBytes(_ count: Int) throws(MediaError) -> ArraySlice<UInt8> {
        try need(count)
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func skip(_ count: Int) throws(MediaError) {
        try need(count)
        offset += count
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` as two little-endian bytes.
    mutating func appendLittleEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    /// Appends `value` as four little-endian bytes.
    mutating func appendLittleEndian(_ value: UInt32) {
        for index in 0..<4 { append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    /// Appends `value` as eight little-endian bytes.
    mutating func appendLittleEndian(_ value: UInt64) {
        for index in 0..<8 { append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    /// Appends the ASCII bytes of `text` (magic numbers such as "DKIF" and "OggS").
    mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }
}

/// `value` as four little-endian bytes, for patching a length field written earlier.
func littleEndianBytes(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}
