/// Where a file writer's bytes go: memory (`MemorySink`) or a file (`FileSink`). Writers append, and patch a few
/// length fields in place when they finish (IVF frame count, WAV sizes).
public protocol ByteSink {
    /// Appends `bytes`.
    mutating func write(_ bytes: [UInt8]) throws(MediaError)
    /// Replaces `bytes.count` already-written bytes starting at `offset`; later writes still append.
    mutating func overwrite(_ bytes: [UInt8], at offset: Int) throws(MediaError)
}

/// A sink that collects everything in memory; read the result from `bytes`.
public struct MemorySink: ByteSink, Sendable {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty sink.
    public init() {}

    /// Appends `bytes`.
    public mutating func write(_ bytes: [UInt8]) throws(MediaError) { self.bytes += bytes }

    /// Replaces already-written bytes; throws `MediaError.invalidConfiguration` past the end.
    public mutating func overwrite(_ bytes: [UInt8], at offset: Int) throws(MediaError) {
        guard offset >= 0, offset + bytes.count <= self.bytes.count else {
            throw .invalidConfiguration("overwrite past the end of the written bytes")
        }
        self.bytes.replaceSubrange(offset..<offset + bytes.count, with: bytes)
    }
}
