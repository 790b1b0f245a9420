import Foundation
import Wire

/// One file being sent: its name as announced, its size, how much is queued, and its progress display.
struct FileSender {
    let path: String
    /// The announced name: the file's own name, without directories, cut to 255 characters.
    let name: String
    var size = 0
    /// Bytes handed to the channel so far.
    var queued = 0
    /// The receiver confirmed size and SHA-256.
    var ok = false
    /// When the header went out.
    var startedAt: Instant?
    var progress: TransferProgress?

    init(path: String) {
        self.path = path
        name = String((path as NSString).lastPathComponent.prefix(FileTransferMessage.maxNameLength))
    }

    /// The size and SHA-256 of the file at `path`, read in 1 MiB pieces.
    static func digest(of path: String) throws -> (size: Int, sha256: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CallError("cannot open \(path)") }
        defer { try? handle.close() }
        let digest = SHA256Digest()
        var size = 0
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            digest.update([UInt8](data))
            size += data.count
        }
        guard size <= FileTransferMessage.maxFileBytes else {
            throw CallError("\(path) is larger than the 1 GiB a transfer may carry")
        }
        return (size, digest.finish())
    }
}
