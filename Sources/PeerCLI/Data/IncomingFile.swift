import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One file arriving on a `file` channel: its bytes go through a `FileHandle` into a hidden temporary file next to
/// where it will be saved (or nowhere, for a bot that only checks them), the SHA-256 is computed on the way, and
/// only a file whose size and digest match the header is given its final name. A file that fails the check, or
/// whose transfer is cut off, is deleted: nothing half-written ever carries the final name.
final class IncomingFile {
    /// How a finished file turned out.
    struct Outcome: Sendable {
        /// The SHA-256 of what arrived (what the verdict carries).
        var sha256: String
        /// Size and digest matched the header, and the file (if kept) has its final name.
        var ok: Bool
        /// Where it was saved (nil when discarded, refused or failed).
        var savedPath: String?
        /// What went wrong, in words, when `ok` is false.
        var problem: String?
    }

    /// The sanitized name, the announced size and SHA-256.
    let name: ReceivedFileName
    let expectedSize: Int
    let expectedSHA256: String
    /// Bytes received so far (also those past the announced size, which are not written).
    private(set) var received = 0
    private let digest = SHA256Digest()
    private let directory: String?
    private let temporaryPath: String?
    private var handle: FileHandle?
    /// The first write error, after which nothing more is written.
    private var writeError: String?

    /// Starts receiving `name` (`size` bytes, `sha256`) into `directory`, or only checking it when nil. Throws
    /// when the temporary file cannot be created.
    init(announcedName: String, size: Int, sha256: String, directory: String?) throws {
        name = ReceivedFileName(announced: announcedName)
        expectedSize = size
        expectedSHA256 = sha256.lowercased()
        self.directory = directory
        guard let directory else {
            temporaryPath = nil
            return
        }
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let path = (directory as NSString).appendingPathComponent(".\(name.name.prefix(40)).\(random).linkup-part")
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw CallError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        temporaryPath = path
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Whether more bytes arrived than the header announced.
    var overflowed: Bool { received > expectedSize }

    /// Takes one binary chunk.
    func write(_ bytes: [UInt8]) {
        let fits = max(0, min(bytes.count, expectedSize - received))
        received += bytes.count
        guard fits > 0 else { return }
        let chunk = fits == bytes.count ? bytes[...] : bytes[..<fits]
        digest.update(chunk)
        guard let handle, writeError == nil else { return }
        do {
            try handle.write(contentsOf: Data(chunk))
        } catch {
            writeError = "\(error)"
        }
    }

    /// The `end` message came: checks size and digest, and gives a good file its final name (the first free one
    /// of `name`, `name (1)`…). A bad one is deleted.
    func finish() -> Outcome {
        let sha256 = digest.finish()
        var problem: String?
        if overflowed {
            problem = "\(received) bytes arrived, more than the \(expectedSize) announced"
        } else if received != expectedSize {
            problem = "\(received) of \(expectedSize) bytes arrived"
        } else if sha256 != expectedSHA256 {
            problem = "its SHA-256 \(sha256) is not the announced \(expectedSHA256)"
        } else if let writeError {
            problem = "writing it failed: \(writeError)"
        }
        if let handle {
            do {
                try handle.synchronize()
                try handle.close()
            } catch {
                problem = problem ?? "closing it failed: \(error)"
            }
            self.handle = nil
        }
        guard problem == nil else {
            removeTemporary()
            return Outcome(sha256: sha256, ok: false, savedPath: nil, problem: problem)
        }
        guard let directory, let temporaryPath else { return Outcome(sha256: sha256, ok: true) }
        for attempt in 0..<10_000 {
            let path = (directory as NSString).appendingPathComponent(name.candidate(attempt))
            // link(2) never replaces an existing file: a name taken meanwhile is skipped, not overwritten.
            if link(temporaryPath, path) == 0 {
                unlink(temporaryPath)
                return Outcome(sha256: sha256, ok: true, savedPath: path)
            }
            if errno == EEXIST { continue }
            // A file system without hard links: rename(2), after checking the name is free.
            if errno == EPERM || errno == ENOTSUP || errno == EXDEV {
                if FileManager.default.fileExists(atPath: path) { continue }
                if rename(temporaryPath, path) == 0 { return Outcome(sha256: sha256, ok: true, savedPath: path) }
            }
            let reason = String(cString: strerror(errno))
            removeTemporary()
            return Outcome(sha256: sha256, ok: false, problem: "it could not be saved as \(path): \(reason)")
        }
        removeTemporary()
        return Outcome(sha256: sha256, ok: false, problem: "every name like \(name.name) is taken")
    }

    /// The transfer was cut off (the channel closed or the call ended before `end`): the temporary file goes.
    func abandon() {
        try? handle?.close()
        handle = nil
        removeTemporary()
    }

    private func removeTemporary() {
        if let temporaryPath { unlink(temporaryPath) }
    }

    deinit {
        // A transfer dropped without `finish` or `abandon` leaves nothing behind either.
        if handle != nil { abandon() }
    }
}
