import Wire

/// One picture in I420 (YUV 4:2:0 planar): a full-size luma plane and two half-size chroma planes, each owned by the
/// frame, with strides so that decoders' padded rows can be kept or dropped without reshaping.
public struct VideoFrame: Sendable, Equatable {
    /// Picture width in pixels.
    public let width: Int
    /// Picture height in pixels.
    public let height: Int
    /// Luma samples, `strideY` bytes per row, `height` rows.
    public var y: [UInt8]
    /// Cb samples, `strideU` bytes per row, `chromaHeight` rows.
    public var u: [UInt8]
    /// Cr samples, `strideV` bytes per row, `chromaHeight` rows.
    public var v: [UInt8]
    /// Bytes per luma row (at least `width`).
    public let strideY: Int
    /// Bytes per Cb row (at least `chromaWidth`).
    public let strideU: Int
    /// Bytes per Cr row (at least `chromaWidth`).
    public let strideV: Int
    /// When the picture was captured (or synthesised) on the sender's clock.
    public var captureTime: Instant

    /// Width of the chroma planes: half the luma width, rounded up.
    public var chromaWidth: Int { (width + 1) / 2 }
    /// Height of the chroma planes: half the luma height, rounded up.
    public var chromaHeight: Int { (height + 1) / 2 }

    /// A frame of the given size with tightly packed planes filled with `luma` and neutral chroma (128), i.e. grey.
    public init(width: Int, height: Int, luma: UInt8 = 16, captureTime: Instant = .zero) {
        precondition(width > 0 && height > 0, "a video frame needs a positive size")
        self.width = width
        self.height = height
        let chromaWidth = (width + 1) / 2
        let chromaHeight = (height + 1) / 2
        strideY = width
        strideU = chromaWidth
        strideV = chromaWidth
        y = [UInt8](repeating: luma, count: width * height)
        u = [UInt8](repeating: 128, count: chromaWidth * chromaHeight)
        v = [UInt8](repeating: 128, count: chromaWidth * chromaHeight)
        self.captureTime = captureTime
    }

    /// A frame over existing planes; throws `MediaError.invalidFrame` when a stride or plane is too small.
    public init(
        width: Int, height: Int, y: [UInt8], u: [UInt8], v: [UInt8],
        strideY: Int, strideU: Int, strideV: Int, captureTime: Instant
    ) throws(MediaError) {
        guard width > 0, height > 0 else { throw .invalidFrame("size \(width)x\(height) is not positive") }
        let chromaWidth = (width + 1) / 2
        let chromaHeight = (height + 1) / 2
        guard strideY >= width, strideU >= chromaWidth, strideV >= chromaWidth else {
            throw .invalidFrame("a stride is narrower than its plane")
        }
        guard y.count >= strideY * (height - 1) + width,
            u.count >= strideU * (chromaHeight - 1) + chromaWidth,
            v.count >= strideV * (chromaHeight - 1) + chromaWidth
        else { throw .invalidFrame("a plane is shorter than its stride times its height") }
        self.width = width
        self.height = height
        self.y = y
        self.u = u
        self.v = v
        self.strideY = strideY
        self.strideU = strideU
        self.strideV = strideV
        self.captureTime = captureTime
    }

    /// The planes as one tightly packed I420 buffer (Y, then U, then V, no row padding): the layout Y4M and raw
    /// YUV files use.
    public var packedI420: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(width * height + 2 * chromaWidth * chromaHeight)
        Self.appendRows(of: y, stride: strideY, width: width, rows: height, to: &out)
        Self.appendRows(of: u, stride: strideU, width: chromaWidth, rows: chromaHeight, to: &out)
        Self.appendRows(of: v, stride: strideV, width: chromaWidth, rows: chromaHeight, to: &out)
        return out
    }

    private static func appendRows(of plane: [UInt8], stride: Int, width: Int, rows: Int, to out: inout [UInt8]) {
        if stride == width {
            out.append(contentsOf: plane[0..<width * rows])
            return
        }
        for row in 0..<rows { out.append(contentsOf: plane[row * stride..<row * stride + width]) }
    }
}
