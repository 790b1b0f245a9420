/// CRC-32 as ISO-HDLC / IEEE 802.3 defines it (reflected polynomial 0xEDB88320, initial value and final XOR
/// 0xFFFFFFFF): the checksum RFC 8489 §14.7 uses for FINGERPRINT.
enum CRC32 {
    /// One entry per byte value: the CRC of that byte alone, so the loop below handles a byte per step.
    static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    /// The CRC-32 of `bytes`.
    static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
