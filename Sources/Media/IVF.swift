/// An IVF file: the simple VP8 container libvpx's tools and ffmpeg read and write (documented by the WebM project;
/// not an RFC). All integers are little-endian.
///
/// ```
///  File header (32 bytes)                       Frame header (12 bytes), then the frame
///   0                   1                   2                   3
///   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///  |                    signature 'D' 'K' 'I' 'F'                  |
///  +-------------------------------+-------------------------------+
///  |          version (0)          |      header size (32)         |
///  +-------------------------------+-------------------------------+
///  |                    fourcc 'V' 'P' '8' '0'                     |
///  +-------------------------------+-------------------------------+
///  |             width             |            height             |
///  +-------------------------------+-------------------------------+
///  |                  time base denominator (rate)                 |
///  +---------------------------------------------------------------+
///  |                   time base numerator (scale)                 |
///  +---------------------------------------------------------------+
///  |                         frame count                           |
///  +---------------------------------------------------------------+
///  |                           unused                              |
///  +---------------------------------------------------------------+
///  then per frame: | frame size (32 bits) | pts (64 bits, in scale/rate seconds) | frame bytes ... |
/// ```
public struct IVFFile: Sendable, Equatable {
    /// One compressed frame and its presentation time in time-base units.
    public struct Frame: Sendable, Equatable {
        /// Presentation time in units of `scale / rate` seconds.
        public var pts: UInt64
        /// The compressed frame.
        public var data: [UInt8]

        /// A frame from its parts.
        public init(pts: UInt64, data: [UInt8]) {
            self.pts = pts
            self.data = data
        }
    }

    /// The codec's four-character code, "VP80" for VP8.
    public var fourcc: [UInt8]
    /// Picture width in pixels.
    public var width: UInt16
    /// Picture height in pixels.
    public var height: UInt16
    /// Time base denominator: ticks per second (e.g. 30 for pts in frames at 30 fps, 90 000 for RTP time).
    public var rate: UInt32
    /// Time base numerator.
    public var scale: UInt32
    /// The frame count the header declares (writers may leave it 0; `frames.count` is the truth).
    public var declaredFrameCount: UInt32
    /// The frames in file order.
    public var frames: [Frame]

    /// Header size in bytes.
    public static let headerSize = 32
    /// Frame header size in bytes.
    public static let frameHeaderSize = 12

    /// A VP8 file description with no frames yet.
    public init(width: UInt16, height: UInt16, rate: UInt32, scale: UInt32 = 1, frames: [Frame] = []) {
        fourcc = Array("VP80".utf8)
        self.width = width
        self.height = height
        self.rate = rate
        self.scale = scale
        declaredFrameCount = UInt32(truncatingIfNeeded: frames.count)
        self.frames = frames
    }

    /// Parses a whole IVF file; throws on a bad signature, version, header size or a truncated frame.
    public init(parsing bytes: [UInt8]) throws(MediaError) {
        var reader = LittleEndianReader(bytes)
        guard Array(try reader.readBytes(4)) == Array("DKIF".utf8) else {
            throw .malformed(offset: 0, reason: "not an IVF file (no DKIF signature)")
        }
        let version = try reader.readUInt16()
        guard version == 0 else { throw .malformed(offset: 4, reason: "IVF version \(version) is not 0") }
        let headerSize = Int(try reader.readUInt16())
        guard headerSize >= IVFFile.headerSize else {
            throw .malformed(offset: 6, reason: "IVF header size \(headerSize) is below 32")
        }
        fourcc = Array(try reader.readBytes(4))
        width = try reader.readUInt16()
        height = try reader.readUInt16()
        rate = try reader.readUInt32()
        scale = try reader.readUInt32()
        declaredFrameCount = try reader.readUInt32()
        try reader.skip(4 + headerSize - IVFFile.headerSize)
        frames = []
        while reader.remaining > 0 {
            let size = Int(try reader.readUInt32())
            let pts = try reader.readUInt64()
            frames.append(Frame(pts: pts, data: Array(try reader.readBytes(size))))
        }
    }

    /// The file header with `frameCount` in its count field.
    static func header(
        fourcc: [UInt8], width: UInt16, height: UInt16, rate: UInt32, scale: UInt32, frameCount: UInt32
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headerSize)
        out.appendASCII("DKIF")
        out.appendLittleEndian(UInt16(0))
        out.appendLittleEndian(UInt16(headerSize))
        out += fourcc.count == 4 ? fourcc : Array("VP80".utf8)
        out.appendLittleEndian(width)
        out.appendLittleEndian(height)
        out.appendLittleEndian(rate)
        out.appendLittleEndian(scale)
        out.appendLittleEndian(frameCount)
        out.appendLittleEndian(UInt32(0))
        return out
    }

    /// The 12-byte header in front of a frame of `size` bytes.
    static func frameHeader(size: Int, pts: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(frameHeaderSize)
        out.appendLittleEndian(UInt32(truncatingIfNeeded: size))
        out.appendLittleEndian(pts)
        return out
    }

    /// Size of `encoded` in bytes.
    public var encodedSize: Int {
        IVFFile.headerSize + frames.reduce(0) { $0 + IVFFile.frameHeaderSize + $1.data.count }
    }

    /// The whole file as bytes (a 32-byte header, then each frame with its 12-byte header).
    public var encoded: [UInt8] {
        var out = IVFFile.header(fourcc: fourcc, width: width, height: height, rate: rate, scale: scale,
            frameCount: declaredFrameCount)
        out.reserveCapacity(encodedSize)
        for frame in frames {
            out += IVFFile.frameHeader(size: frame.data.count, pts: frame.pts)
            out += frame.data
        }
        return out
    }
}

/// Streams VP8 frames into an IVF file through a `ByteSink`, patching the header's frame count on `finish()`.
public struct IVFWriter<Sink: ByteSink> {
    /// Where the bytes go (read a `MemorySink`'s bytes from here after `finish()`).
    public private(set) var sink: Sink
    /// Frames written so far.
    public private(set) var frameCount: UInt32 = 0

    /// Writes the header for `width` x `height` VP8 with time base `scale / rate` seconds (e.g. rate 90 000 for
    /// RTP timestamps, or rate 30 for pts counted in frames).
    public init(sink: Sink, width: Int, height: Int, rate: UInt32 = 30, scale: UInt32 = 1) throws(MediaError) {
        guard (1...65_535).contains(width), (1...65_535).contains(height), rate > 0, scale > 0 else {
            throw .invalidConfiguration("IVF needs a size of 1...65535 and a positive time base")
        }
        self.sink = sink
        try self.sink.write(IVFFile.header(fourcc: Array("VP80".utf8), width: UInt16(width), height: UInt16(height),
            rate: rate, scale: scale, frameCount: 0))
    }

    /// Appends one compressed frame with presentation time `pts` in time-base units.
    public mutating func write(_ data: [UInt8], pts: UInt64) throws(MediaError) {
        try sink.write(IVFFile.frameHeader(size: data.count, pts: pts) + data)
        frameCount &+= 1
    }

    /// Writes the frame count into the header (byte 24). Call once after the last frame.
    public mutating func finish() throws(MediaError) {
        try sink.overwrite(littleEndianBytes(frameCount), at: 24)
    }
}
