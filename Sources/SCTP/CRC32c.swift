/// The CRC32c (Castagnoli) checksum SCTP carries in its common header (RFC 9260 §6.8 and Appendix A).
///
/// Every packet is summed once on send and once on receive, so this is on the hot path: it runs slicing-by-8
/// (eight 256-entry tables, eight bytes per step) over the reflected polynomial 0x82F63B78.
public enum CRC32c {
    /// Eight tables of 256 entries, built once: table k maps a byte to its CRC contribution k bytes further on.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            tables[byte] = crc
        }
        for byte in 0..<256 {
            var crc = tables[byte]
            for slice in 1..<8 {
                crc = (crc >> 8) ^ tables[Int(crc & 0xFF)]
                tables[slice * 256 + byte] = crc
            }
        }
        return tables
    }()

    /// The checksum of `bytes`, as RFC 9260 Appendix A defines it (initial value and final XOR 0xFFFFFFFF).
    public static func checksum<Bytes: Collection>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        let result = bytes.withContiguousStorageIfAvailable { update(0xFFFF_FFFF, $0) }
            ?? Array(bytes).withUnsafeBufferPointer { update(0xFFFF_FFFF, $0) }
        return ~result
    }

    /// The checksum of `bytes` with the four bytes at `zeroedOffset` read as zero: how a received packet is
    /// checked without copying it to clear its checksum field.
    static func checksum(_ bytes: ArraySlice<UInt8>, zeroingFourBytesAt zeroedOffset: Int) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            // RFC 9260 §6.8: the checksum field counts as zero while the packet is summed.
            var crc = update(0xFFFF_FFFF, UnsafeBufferPointer(rebasing: buffer[0..<zeroedOffset]))
            tables.withUnsafeBufferPointer { table in
                for _ in 0..<4 { crc = (crc >> 8) ^ table[Int(crc & 0xFF)] }
            }
            crc = update(crc, UnsafeBufferPointer(rebasing: buffer[(zeroedOffset + 4)...]))
            return ~crc
        }
    }

    private static func update(_ initial: UInt32, _ buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc = initial
        var index = 0
        let count = buffer.count
        tables.withUnsafeBufferPointer { table in
            while count - index >= 8 {
                let low = crc ^ (UInt32(buffer[index]) | UInt32(buffer[index + 1]) << 8
                    | UInt32(buffer[index + 2]) << 16 | UInt32(buffer[index + 3]) << 24)
                crc = table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(buffer[index + 4])] ^ table[2 * 256 + Int(buffer[index + 5])]
                    ^ table[1 * 256 + Int(buffer[index + 6])] ^ table[Int(buffer[index + 7])]
                index += 8
            }
            while index < count {
                crc = (crc >> 8) ^ table[Int((crc ^ UInt32(buffer[index])) & 0xFF)]
                index += 1
            }
        }
        return crc
    }
}
