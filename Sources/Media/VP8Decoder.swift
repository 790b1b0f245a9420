internal import CVPX
internal import CShim
import Wire

/// A libvpx VP8 decoder that copies each decoded picture out of libvpx's buffers into an owned `VideoFrame`
/// (tightly packed planes). Not thread-safe: one owner decodes.
public final class VP8Decoder {
    private let context: UnsafeMutablePointer<vpx_codec_ctx_t>

    /// Creates and initialises the decoder (one thread).
    public init() throws(MediaError) {
        context = UnsafeMutablePointer<vpx_codec_ctx_t>.allocate(capacity: 1)
        context.initialize(to: vpx_codec_ctx_t())
        var config = vpx_codec_dec_cfg_t(threads: 1, w: 0, h: 0)
        let status = linkup_vpx_vp8_dec_init(context, &config, 0)
        guard status == VPX_CODEC_OK else {
            let error = VP8Encoder.error(status, context)
            context.deallocate()
            throw error
        }
    }

    deinit {
        vpx_codec_destroy(context)
        context.deallocate()
    }

    /// Decodes one complete VP8 frame. Returns the picture (stamped with `captureTime`), or nil when the frame
    /// produced none; throws `MediaError.vpx` for corrupt data (e.g. an inter frame before any keyframe).
    public func decode(_ data: [UInt8], captureTime: Instant = .zero) throws(MediaError) -> VideoFrame? {
        guard !data.isEmpty else { throw .invalidFrame("an empty VP8 frame") }
        let status = data.withUnsafeBufferPointer { bytes in
            vpx_codec_decode(context, bytes.baseAddress, UInt32(bytes.count), nil, 0)
        }
        try VP8Encoder.check(status, context)
        var iterator: vpx_codec_iter_t? = nil
        var picture: VideoFrame?
        while let image = vpx_codec_get_frame(context, &iterator) {
            picture = VP8Decoder.copy(image.pointee, captureTime: captureTime)
        }
        return picture
    }

    /// Copies the visible area of `image` row by row, honouring libvpx's (padded) strides, straight into freshly
    /// allocated tight planes (no fill pass first: every byte is written by the copy).
    private static func copy(_ image: vpx_image_t, captureTime: Instant) -> VideoFrame? {
        guard image.fmt == VPX_IMG_FMT_I420, image.d_w > 0, image.d_h > 0,
            let yPlane = image.planes.0, let uPlane = image.planes.1, let vPlane = image.planes.2
        else { return nil }
        let width = Int(image.d_w)
        let height = Int(image.d_h)
        let chromaWidth = (width + 1) / 2
        let chromaHeight = (height + 1) / 2
        let y = copyPlane(yPlane, Int(image.stride.0), width, height)
        let u = copyPlane(uPlane, Int(image.stride.1), chromaWidth, chromaHeight)
        let v = copyPlane(vPlane, Int(image.stride.2), chromaWidth, chromaHeight)
        return try? VideoFrame(width: width, height: height, y: y, u: u, v: v, strideY: width,
            strideU: chromaWidth, strideV: chromaWidth, captureTime: captureTime)
    }

    private static func copyPlane(_ source: UnsafeMutablePointer<UInt8>, _ stride: Int, _ width: Int, _ rows: Int)
        -> [UInt8]
    {
        [UInt8](unsafeUninitializedCapacity: width * rows) { out, initialized in
            // width * rows > 0 (checked by the caller), so the buffer has a base address.
            let base = out.baseAddress!
            for row in 0..<rows { (base + row * width).initialize(from: source + row * stride, count: width) }
            initialized = width * rows
        }
    }
}
