#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A sink writing to a file through the C library (`fopen`/`fwrite`/`fseek`). This and the file readers' callers
/// are the only file I/O in Media: codecs and sources never touch files. The file closes on `close()` or deinit.
public final class FileSink: ByteSink {
    /// The file's path, for error messages.
    public let path: String
    private var file: UnsafeMutablePointer<FILE>?

    /// Creates (or truncates) the file at `path` for writing.
    public init(path: String) throws(MediaError) {
        self.path = path
        guard let file = fopen(path, "wb") else { throw FileSink.failure(path) }
        self.file = file
    }

    deinit { if let file { fclose(file) } }

    /// Appends `bytes` at the end of the file.
    public func write(_ bytes: [UInt8]) throws(MediaError) {
        guard let file else { throw .io(path: path, message: "file already closed") }
        guard !bytes.isEmpty else { return }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else { throw FileSink.failure(path) }
    }

    /// Replaces bytes at `offset`, then returns to the end of the file.
    public func overwrite(_ bytes: [UInt8], at offset: Int) throws(MediaError) {
        guard let file else { throw .io(path: path, message: "file already closed") }
        guard fseek(file, offset, SEEK_SET) == 0 else { throw FileSink.failure(path) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count, fseek(file, 0, SEEK_END) == 0 else { throw FileSink.failure(path) }
    }

    /// Flushes and closes the file; later writes throw.
    public func close() throws(MediaError) {
        guard let file else { return }
        self.file = nil
        guard fclose(file) == 0 else { throw FileSink.failure(path) }
    }

    private static func failure(_ path: String) -> MediaError {
        .io(path: path, message: String(cString: strerror(errno)))
    }
}
