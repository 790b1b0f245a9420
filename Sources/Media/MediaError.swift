/// Why a codec call, a file format or a file sink failed. Parsers of IVF and Ogg never trap; they throw one of these.
public enum MediaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libopus returned `code`; `message` is `opus_strerror(code)`.
    case opus(code: Int32, message: String)
    /// libvpx returned `code`; `message` is libvpx's own text (with its detail string when it has one).
    case vpx(code: Int32, message: String)
    /// A frame handed to a codec or writer does not fit its configuration (size, channels, plane lengths).
    case invalidFrame(String)
    /// A configuration value is out of range.
    case invalidConfiguration(String)
    /// A file format ended early at `offset`, needing `needed` more bytes.
    case truncated(offset: Int, needed: Int)
    /// A file format is malformed at `offset`.
    case malformed(offset: Int, reason: String)
    /// An Ogg page's CRC does not match its contents.
    case checksumMismatch(offset: Int)
    /// A file could not be opened, written or closed; `message` is the C library's `strerror`.
    case io(path: String, message: String)

    /// A sentence for logs and users.
    public var description: String {
        switch self {
        case let .opus(code, message): return "Opus error \(code): \(message)"
        case let .vpx(code, message): return "VP8 (libvpx) error \(code): \(message)"
        case let .invalidFrame(reason): return "invalid frame: \(reason)"
        case let .invalidConfiguration(reason): return "invalid codec configuration: \(reason)"
        case let .truncated(offset, needed): return "file ends early at byte \(offset): \(needed) more byte(s) needed"
        case let .malformed(offset, reason): return "malformed file at byte \(offset): \(reason)"
        case let .checksumMismatch(offset): return "Ogg page at byte \(offset) fails its CRC check"
        case let .io(path, message): return "cannot write \(path): \(message)"
        }
    }
}
