/// Writes 16-bit PCM as a RIFF/WAVE file (the Microsoft RIFF format; little-endian), patching the two sizes on
/// `finish()`.
///
/// ```
///  offset  0 "RIFF" | 4 file size - 8 | 8 "WAVE"
///         12 "fmt " | 16 chunk size 16 | 20 format 1 (PCM) | 22 channels | 24 sample rate | 28 byte rate
///         32 block align | 34 bits per sample 16
///         36 "data" | 40 data size | 44 samples (interleaved Int16)
/// ```
public struct WAVWriter<Sink: ByteSink> {
    /// Where the bytes go.
    public private(set) var sink: Sink
    /// 1 or 2.
    public let channels: Int
    /// Samples per second.
    public let sampleRate: Int
    /// Bytes of sample data written so far.
    public private(set) var dataSize: UInt32 = 0

    /// Writes the header (with zero sizes until `finish()`).
    public init(sink: Sink, channels: Int, sampleRate: Int = 48_000) throws(MediaError) {
        guard channels == 1 || channels == 2, sampleRate > 0 else {
            throw .invalidConfiguration("WAV needs 1 or 2 channels and a positive rate")
        }
        self.sink = sink
        self.channels = channels
        self.sampleRate = sampleRate
        var header: [UInt8] = []
        header.appendASCII("RIFF")
        header.appendLittleEndian(UInt32(36))
        header.appendASCII("WAVE")
        header.appendASCII("fmt ")
        header.appendLittleEndian(UInt32(16))
        header.appendLittleEndian(UInt16(1))
        header.appendLittleEndian(UInt16(channels))
        header.appendLittleEndian(UInt32(sampleRate))
        header.appendLittleEndian(UInt32(sampleRate * channels * 2))
        header.appendLittleEndian(UInt16(channels * 2))
        header.appendLittleEndian(UInt16(16))
        header.appendASCII("data")
        header.appendLittleEndian(UInt32(0))
        try self.sink.write(header)
    }

    /// Appends one frame's samples.
    public mutating func write(_ frame: AudioFrame) throws(MediaError) {
        guard frame.channels == channels else {
            throw .invalidFrame("WAV has \(channels) channel(s), frame \(frame.channels)")
        }
        var bytes = [UInt8](repeating: 0, count: frame.samples.count * 2)
        for (index, sample) in frame.samples.enumerated() {
            let value = UInt16(bitPattern: sample)
            bytes[2 * index] = UInt8(truncatingIfNeeded: value)
            bytes[2 * index + 1] = UInt8(truncatingIfNeeded: value >> 8)
        }
        try sink.write(bytes)
        dataSize &+= UInt32(truncatingIfNeeded: bytes.count)
    }

    /// Writes the RIFF and data chunk sizes. Call once after the last frame.
    public mutating func finish() throws(MediaError) {
        try sink.overwrite(littleEndianBytes(36 &+ dataSize), at: 4)
        try sink.overwrite(littleEndianBytes(dataSize), at: 40)
    }
}
