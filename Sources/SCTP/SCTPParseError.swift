import Wire

/// Why bytes could not be read as an SCTP packet, chunk, parameter or DCEP message. Parsers in this module throw it
/// instead of trapping on any input (ARCHITECTURE.md, house rule 1).
public enum SCTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended early: `needed` more bytes were required where only `available` remained.
    case truncated(needed: Int, available: Int)
    /// The CRC32c in the common header does not match the packet (RFC 9260 §6.8).
    case badChecksum(expected: UInt32, received: UInt32)
    /// A chunk, parameter or cause length field is below its minimum or runs past the enclosing structure.
    case invalidLength(String)
    /// A field holds a value the format does not allow.
    case invalidField(String)

    /// A sentence for logs and users.
    public var description: String {
        switch self {
        case let .truncated(needed, available):
            return "SCTP input ends early: needed \(needed) byte(s), only \(available) left"
        case let .badChecksum(expected, received):
            return "SCTP checksum mismatch: computed \(hex(expected)), packet carries \(hex(received))"
        case let .invalidLength(reason): return "invalid SCTP length: \(reason)"
        case let .invalidField(reason): return "invalid SCTP field: \(reason)"
        }
    }

    private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }

    /// Maps Wire's reader error into this module's error, keeping the byte counts.
    init(_ error: WireError) {
        switch error {
        case let .truncated(_, needed, available): self = .truncated(needed: needed, available: available)
        case let .invalidValue(_, reason): self = .invalidField(reason)
        }
    }
}

/// Reader calls that throw `SCTPParseError`, so parsers here keep one typed error without a do/catch per read.
extension ByteReader {
    @inline(__always)
    mutating func u8() throws(SCTPParseError) -> UInt8 {
        do { return try readUInt8() } catch { throw SCTPParseError(error) }
    }

    @inline(__always)
    mutating func u16() throws(SCTPParseError) -> UInt16 {
        do { return try readUInt16() } catch { throw SCTPParseError(error) }
    }

    @inline(__always)
    mutating func u32() throws(SCTPParseError) -> UInt32 {
        do { return try readUInt32() } catch { throw SCTPParseError(error) }
    }

    @inline(__always)
    mutating func u64() throws(SCTPParseError) -> UInt64 {
        do { return try readUInt64() } catch { throw SCTPParseError(error) }
    }

    @inline(__always)
    mutating func bytes(_ count: Int) throws(SCTPParseError) -> ArraySlice<UInt8> {
        do { return try readBytes(count) } catch { throw SCTPParseError(error) }
    }

    /// Skips up to `count` padding bytes, tolerating a final element whose padding is missing (RFC 9260 §3.2:
    /// the receiver ignores padding, and some stacks leave the last chunk unpadded).
    @inline(__always)
    mutating func skipPadding(_ count: Int) {
        _ = try? skip(Swift.min(count, remaining))
    }
}

/// Bytes needed to pad `length` to a multiple of four (RFC 9260 §3.2: chunks and parameters end on 32-bit words).
@inline(__always)
func paddingToWord(_ length: Int) -> Int { (4 - length & 3) & 3 }
