import Foundation

/// Writes a line to standard error (first clearing a progress line drawn in place, which is drawn again on its
/// next update).
func printError(_ message: String) {
    var stream = StandardError()
    if StandardError.lineInPlace.withLock({ drawn in
        defer { drawn = false }
        return drawn
    }) {
        stream.write("\r\u{1B}[K")
    }
    print(message, to: &stream)
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    /// Whether a line without its newline (a transfer's progress, `TransferProgress`) is on the terminal now.
    static let lineInPlace = LockedValue(false)

    mutating func write(_ string: String) {
        var bytes = Array(string.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            offset += written
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
