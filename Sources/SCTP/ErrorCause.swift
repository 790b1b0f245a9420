import Wire

/// An error cause in an ABORT or ERROR chunk (RFC 9260 §3.3.10).
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |           Cause Code          |         Cause Length          |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     /                    Cause-Specific Information                 /
///     \                                                               \
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct ErrorCause: Equatable, Sendable, CustomStringConvertible {
    /// The cause code (RFC 9260 §3.3.10.1-13).
    public var code: UInt16
    /// The cause-specific information, unpadded.
    public var info: ArraySlice<UInt8>

    /// A cause from its code and information.
    public init(code: UInt16, info: ArraySlice<UInt8> = []) {
        self.code = code
        self.info = info
    }

    /// Cause 6, Unrecognized Chunk Type (§3.3.10.6): the offending chunk, header included.
    public static let unrecognizedChunkType: UInt16 = 6
    /// Cause 8, Unrecognized Parameters (§3.3.10.8).
    public static let unrecognizedParameters: UInt16 = 8
    /// Cause 12, User-Initiated Abort (§3.3.10.12): the upper layer's reason as text.
    public static let userInitiatedAbort: UInt16 = 12
    /// Cause 13, Protocol Violation (§3.3.10.13): a description as text.
    public static let protocolViolation: UInt16 = 13

    /// A User-Initiated Abort cause carrying `reason` as UTF-8.
    public static func userAbort(_ reason: String) -> ErrorCause {
        ErrorCause(code: userInitiatedAbort, info: Array(reason.utf8)[...])
    }

    /// A Protocol Violation cause carrying `reason` as UTF-8.
    public static func violation(_ reason: String) -> ErrorCause {
        ErrorCause(code: protocolViolation, info: Array(reason.utf8)[...])
    }

    /// Bytes the cause occupies, padding included.
    var paddedSize: Int { let length = 4 + info.count; return length + paddingToWord(length) }

    /// Parses a list of causes filling `value`.
    static func list(_ value: ArraySlice<UInt8>) throws(SCTPParseError) -> [ErrorCause] {
        var reader = ByteReader(value)
        var causes: [ErrorCause] = []
        while !reader.isAtEnd {
            let code = try reader.u16()
            let length = Int(try reader.u16())
            guard length >= 4 else { throw .invalidLength("error cause \(code) has length \(length), below 4") }
            causes.append(ErrorCause(code: code, info: try reader.bytes(length - 4)))
            reader.skipPadding(paddingToWord(length))
        }
        return causes
    }

    /// Writes the cause and its padding.
    func encode(into writer: inout ByteWriter) {
        let length = 4 + info.count
        writer.write(code)
        writer.write(UInt16(truncatingIfNeeded: length))
        writer.write(bytes: info)
        writer.writeZeros(paddingToWord(length))
    }

    /// A readable rendering: the text of user-initiated aborts and protocol violations, the code otherwise.
    public var description: String {
        let names: [UInt16: String] = [
            1: "invalid stream identifier", 2: "missing mandatory parameter", 3: "stale cookie",
            4: "out of resource", 5: "unresolvable address", 6: "unrecognized chunk type",
            7: "invalid mandatory parameter", 8: "unrecognized parameters", 9: "no user data",
            10: "cookie received while shutting down", 11: "restart with new addresses",
            12: "user-initiated abort", 13: "protocol violation",
        ]
        let name = names[code] ?? "error cause \(code)"
        if code == Self.userInitiatedAbort || code == Self.protocolViolation,
           let text = String(validating: info, as: UTF8.self), !text.isEmpty {
            return "\(name): \(text)"
        }
        return name
    }
}
