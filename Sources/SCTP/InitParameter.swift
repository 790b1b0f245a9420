import Wire

/// An optional parameter of INIT or INIT ACK (RFC 9260 §3.2.1): type, length, value padded to 32 bits.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |        Parameter Type         |       Parameter Length        |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     \                                                               \
///     /                        Parameter Value                        /
///     \                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public enum InitParameter: Equatable, Sendable {
    /// State Cookie (type 7, §3.3.3.1): opaque to the receiver, returned in COOKIE ECHO.
    case stateCookie(ArraySlice<UInt8>)
    /// Supported Extensions (type 0x8008, RFC 5061 §4.2.7): chunk types the sender implements.
    case supportedExtensions([UInt8])
    /// Forward-TSN-Supported (type 0xC000, RFC 3758 §3.1): the sender implements PR-SCTP.
    case forwardTSNSupported
    /// Any other parameter, kept as bytes (IPv4/IPv6 addresses, zero-checksum, random, ...).
    case unknown(type: UInt16, value: ArraySlice<UInt8>)

    static let stateCookieType: UInt16 = 7
    static let supportedExtensionsType: UInt16 = 0x8008
    static let forwardTSNSupportedType: UInt16 = 0xC000

    init(reading reader: inout ByteReader) throws(SCTPParseError) {
        let type = try reader.u16()
        let length = Int(try reader.u16())
        guard length >= 4 else { throw .invalidLength("parameter \(type) has length \(length), below 4") }
        let value = try reader.bytes(length - 4)
        reader.skipPadding(paddingToWord(length))
        switch type {
        case Self.stateCookieType: self = .stateCookie(value)
        case Self.supportedExtensionsType: self = .supportedExtensions(Array(value))
        case Self.forwardTSNSupportedType where value.isEmpty: self = .forwardTSNSupported
        default: self = .unknown(type: type, value: value)
        }
    }

    private var type: UInt16 {
        switch self {
        case .stateCookie: Self.stateCookieType
        case .supportedExtensions: Self.supportedExtensionsType
        case .forwardTSNSupported: Self.forwardTSNSupportedType
        case let .unknown(type, _): type
        }
    }

    private var valueSize: Int {
        switch self {
        case let .stateCookie(cookie): cookie.count
        case let .supportedExtensions(types): types.count
        case .forwardTSNSupported: 0
        case let .unknown(_, value): value.count
        }
    }

    /// Bytes the parameter occupies, padding included.
    var encodedSize: Int { let length = 4 + valueSize; return length + paddingToWord(length) }

    func encode(into writer: inout ByteWriter) {
        let length = 4 + valueSize
        writer.write(type)
        writer.write(UInt16(truncatingIfNeeded: length))
        switch self {
        case let .stateCookie(cookie): writer.write(bytes: cookie)
        case let .supportedExtensions(types): writer.write(bytes: types)
        case .forwardTSNSupported: break
        case let .unknown(_, value): writer.write(bytes: value)
        }
        writer.writeZeros(paddingToWord(length))
    }
}
