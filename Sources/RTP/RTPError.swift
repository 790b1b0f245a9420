import Wire

/// Why an RTP, RTCP or VP8 payload structure could not be read. Parsers in this module throw it instead of
/// trapping on any input (ARCHITECTURE.md, house rule 1).
public enum RTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended early: `needed` more bytes were required where only `available` remained.
    case truncated(needed: Int, available: Int)
    /// The version field is not 2 (RFC 3550 §5.1, §6.4).
    case unsupportedVersion(UInt8)
    /// The padding count is zero or larger than the bytes it claims to pad (RFC 3550 §5.1).
    case invalidPadding(count: Int)
    /// A header extension block or element is malformed (RFC 8285 §4).
    case invalidHeaderExtension(String)
    /// A length field disagrees with the bytes present (RFC 3550 §6.4.1 length in 32-bit words minus one).
    case invalidLength(String)
    /// A field holds a value the format does not allow.
    case invalidField(String)

    /// A sentence for logs and users.
    public var description: String {
        switch self {
        case let .truncated(needed, available):
            return "packet ends early: needed \(needed) byte(s), only \(available) left"
        case let .unsupportedVersion(version):
            return "unsupported RTP/RTCP version \(version) (expected 2)"
        case let .invalidPadding(count):
            return "invalid padding count \(count)"
        case let .invalidHeaderExtension(reason):
            return "invalid RTP header extension: \(reason)"
        case let .invalidLength(reason):
            return "invalid length: \(reason)"
        case let .invalidField(reason):
            return "invalid field: \(reason)"
        }
    }

    /// Maps Wire's reader error into this module's error, keeping the byte counts.
    init(_ error: WireError) {
        switch error {
        case let .truncated(_, needed, available): self = .truncated(needed: needed, available: available)
        case let .invalidValue(_, reason): self = .invalidField(reason)
        }
    }
}

/// Reader calls that throw `RTPError`, so parsers in this module keep one typed error without a do/catch
/// around every read.
extension ByteReader {
    @inline(__always)
    mutating func u8() throws(RTPError) -> UInt8 {
        do { return try readUInt8() } catch { throw RTPError(error) }
    }

    @inline(__always)
    mutating func u16() throws(RTPError) -> UInt16 {
        do { return try readUInt16() } catch { throw RTPError(error) }
    }

    @inline(__always)
    mutating func u24() throws(RTPError) -> UInt32 {
        do { return try readUInt24() } catch { throw RTPError(error) }
    }

    @inline(__always)
    mutating func u32() throws(RTPError) -> UInt32 {
        do { return try readUInt32() } catch { throw RTPError(error) }
    }

    @inline(__always)
    mutating func u64() throws(RTPError) -> UInt64 {
        do { return try readUInt64() } catch { throw RTPError(error) }
    }

    @inline(__always)
    mutating func bytes(_ count: Int) throws(RTPError) -> ArraySlice<UInt8> {
        do { return try readBytes(count) } catch { throw RTPError(error) }
    }

    @inline(__always)
    mutating func skipBytes(_ count: Int) throws(RTPError) {
        do { try skip(count) } catch { throw RTPError(error) }
    }

    @inline(__always)
    mutating func ssrc() throws(RTPError) -> SSRC { SSRC(try u32()) }
}

/// Number of zero bytes that bring `length` up to the next multiple of four.
@inline(__always)
func paddingToWord(_ length: Int) -> Int { (4 - length % 4) % 4 }
