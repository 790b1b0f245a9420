/// Writes raw I420 pictures as a YUV4MPEG2 stream (the format of mjpegtools, read by ffmpeg and most players):
/// one text header line, then per picture a "FRAME" line and the packed Y, U and V planes.
///
/// ```
///  YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg\n
///  FRAME\n <width*height Y bytes> <2 * chromaWidth*chromaHeight U then V bytes>
///  FRAME\n ...
/// ```
public struct Y4MWriter<Sink: ByteSink> {
    /// Where the bytes go.
    public private(set) var sink: Sink
    /// Picture width every frame must have.
    public let width: Int
    /// Picture height every frame must have.
    public let height: Int

    /// Writes the stream header: progressive, square pixels, 4:2:0 with JPEG (centred) chroma siting.
    public init(sink: Sink, width: Int, height: Int, frameRate: Int = 30) throws(MediaError) {
        guard width > 0, height > 0, frameRate > 0 else { throw .invalidConfiguration("Y4M needs a positive size") }
        self.sink = sink
        self.width = width
        self.height = height
        try self.sink.write(Array("YUV4MPEG2 W\(width) H\(height) F\(frameRate):1 Ip A1:1 C420jpeg\n".utf8))
    }

    /// Appends one picture.
    public mutating func write(_ frame: VideoFrame) throws(MediaError) {
        guard frame.width == width, frame.height == height else {
            throw .invalidFrame("Y4M stream is \(width)x\(height), frame \(frame.width)x\(frame.height)")
        }
        try sink.write(Array("FRAME\n".utf8) + frame.packedI420)
    }
}
