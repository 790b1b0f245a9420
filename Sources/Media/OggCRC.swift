/// The CRC-32 Ogg puts in every page (RFC 3533 section 6): generator polynomial 0x04C11DB7, computed MSB first
/// (not reflected), initial value 0, no final XOR, over the whole page with its CRC field set to zero. This is not
/// the zlib/Ethernet CRC-32, which reflects bits and inverts the result.
public enum OggCRC {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index) << 24
        for _ in 0..<8 { crc = crc & 0x8000_0000 != 0 ? (crc << 1) ^ 0x04C1_1DB7 : crc << 1 }
        return crc
    }

    /// Continues `crc` over `bytes` (start with 0). Concrete slice type rather than a generic collection, so the
    /// byte loop is compiled for contiguous memory even when called from another module.
    public static func update(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc = crc
        table.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { bytes in
                for byte in bytes { crc = (crc << 8) ^ table[Int((crc >> 24) ^ UInt32(byte))] }
            }
        }
        return crc
    }

    /// Continues `crc` over `bytes`.
    public static func update(_ crc: UInt32, _ bytes: [UInt8]) -> UInt32 { update(crc, bytes[...]) }

    /// The CRC of `bytes`.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 { update(0, bytes) }

    /// The CRC of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 { update(0, bytes[...]) }
}
