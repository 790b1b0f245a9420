internal import CVPX
internal import CShim
import Wire

/// How a `VP8Encoder` is set up. The defaults are realtime-call settings: one pass CBR, no lookahead, error
/// resilient (so a lost frame does not corrupt entropy contexts for the rest of the stream), keyframes only when asked.
public struct VP8EncoderConfiguration: Sendable, Equatable {
    /// Picture width in pixels.
    public var width: Int
    /// Picture height in pixels.
    public var height: Int
    /// Target bitrate in bits per second.
    public var bitrate: Int
    /// Nominal frames per second, used for the first frame's duration and the rate controller's budget per frame.
    public var frameRate: Int = 30
    /// libvpx speed (VP8E_SET_CPUUSED, 0...16): 8 keeps 640x480@30 well under one core's budget.
    public var cpuUsed: Int = 8
    /// The longest run of frames without a keyframe; large, because the receiver asks for keyframes (PLI) instead.
    public var keyframeMaxDistance: Int = 3000
    /// log2 of the number of DCT token partitions (VP8E_SET_TOKEN_PARTITIONS, 0...3); 0 is one partition.
    public var tokenPartitions: Int = 0
    /// Encoder threads; 1 keeps output deterministic and leaves the other core to the rest of the call.
    public var threads: Int = 1
    /// Whether to set g_error_resilient.
    public var errorResilient: Bool = true
    /// How empty libvpx's rate buffer may get, in percent, before it drops a picture rather than overshoot
    /// (rc_dropframe_thresh; 0 never drops). A live call wants drops (libwebrtc uses 30): at its highest quantizer
    /// a busy picture costs more than the target allows, and the excess would queue on a narrow link.
    public var dropFrameThreshold: Int = 0

    /// A configuration for `width` x `height` at `bitrate` bits per second with realtime defaults.
    public init(width: Int, height: Int, bitrate: Int) {
        self.width = width
        self.height = height
        self.bitrate = bitrate
    }
}

/// One compressed VP8 frame as libvpx produced it (RFC 6386 bitstream), ready for the RFC 7741 packetizer.
public struct EncodedVideoFrame: Sendable, Equatable {
    /// The VP8 frame bytes.
    public var data: [UInt8]
    /// Whether this is an intra frame a decoder can start from.
    public var isKeyframe: Bool
    /// Presentation time in 90 kHz ticks since the encoder's first frame (the RTP video clock rate).
    public var pts: Int64
    /// The capture time of the source frame.
    public var captureTime: Instant

    /// A frame from its parts.
    public init(data: [UInt8], isKeyframe: Bool, pts: Int64, captureTime: Instant) {
        self.data = data
        self.isKeyframe = isKeyframe
        self.pts = pts
        self.captureTime = captureTime
    }
}

/// A libvpx VP8 encoder in realtime mode. The bitrate can change between frames; frames must keep the configured
/// size. Not thread-safe: one owner encodes.
public final class VP8Encoder {
    /// The current configuration (bitrate follows `setBitrate`).
    public private(set) var configuration: VP8EncoderConfiguration
    private let context: UnsafeMutablePointer<vpx_codec_ctx_t>
    private var config = vpx_codec_enc_cfg_t()
    private var image = vpx_image_t()
    private var firstCapture: Instant?
    private var lastPts: Int64 = -1
    private static let clockRate: Int64 = 90_000

    /// Creates and initialises the encoder; throws `MediaError.vpx` with libvpx's message when it refuses.
    public init(_ configuration: VP8EncoderConfiguration) throws(MediaError) {
        guard configuration.width > 0, configuration.height > 0, configuration.width % 2 == 0,
            configuration.height % 2 == 0, configuration.width <= 16_383, configuration.height <= 16_383
        else { throw .invalidConfiguration("VP8 size must be even and 2...16383 pixels") }
        guard configuration.bitrate >= 1000, configuration.frameRate > 0 else {
            throw .invalidConfiguration("bitrate must be at least 1 kbps and frame rate positive")
        }
        self.configuration = configuration
        try VP8Encoder.check(linkup_vpx_vp8_enc_config_default(&config), nil)
        config.g_w = UInt32(configuration.width)
        config.g_h = UInt32(configuration.height)
        config.g_timebase = vpx_rational(num: 1, den: Int32(VP8Encoder.clockRate))
        config.g_threads = UInt32(max(1, configuration.threads))
        config.g_error_resilient = configuration.errorResilient ? vpx_codec_er_flags_t(VPX_ERROR_RESILIENT_DEFAULT) : 0
        config.g_pass = VPX_RC_ONE_PASS
        config.g_lag_in_frames = 0
        config.rc_end_usage = VPX_CBR
        config.rc_target_bitrate = UInt32(configuration.bitrate / 1000)
        config.rc_min_quantizer = 2
        config.rc_max_quantizer = 56
        config.rc_undershoot_pct = 100
        config.rc_overshoot_pct = 15
        config.rc_buf_initial_sz = 500
        config.rc_buf_optimal_sz = 600
        config.rc_buf_sz = 1000
        config.rc_dropframe_thresh = UInt32(clamping: max(0, min(100, configuration.dropFrameThreshold)))
        config.rc_resize_allowed = 0
        config.kf_mode = VPX_KF_AUTO
        config.kf_min_dist = 0
        config.kf_max_dist = UInt32(max(1, configuration.keyframeMaxDistance))
        context = UnsafeMutablePointer<vpx_codec_ctx_t>.allocate(capacity: 1)
        context.initialize(to: vpx_codec_ctx_t())
        let status = linkup_vpx_vp8_enc_init(context, &config, 0)
        guard status == VPX_CODEC_OK else {
            let error = VP8Encoder.error(status, context)
            context.deallocate()
            throw error
        }
        do {
            try control(linkup_vp8e_set_cpuused(), configuration.cpuUsed)
            try control(linkup_vp8e_set_token_partitions(), configuration.tokenPartitions)
            try control(linkup_vp8e_set_noise_sensitivity(), 0)
            try control(linkup_vp8e_set_static_threshold(), 1)
            // Caps a keyframe at 3x the average frame's budget, so answering a PLI does not burst the pacer.
            try control(linkup_vp8e_set_max_intra_bitrate_pct(), 300)
        } catch {
            vpx_codec_destroy(context)
            context.deallocate()
            throw error
        }
    }

    deinit {
        vpx_codec_destroy(context)
        context.deallocate()
    }

    /// Changes the target bitrate (bits per second) from the next frame on (vpx_codec_enc_config_set).
    public func setBitrate(_ bitsPerSecond: Int) throws(MediaError) {
        guard bitsPerSecond >= 1000 else { throw .invalidConfiguration("bitrate must be at least 1 kbps") }
        config.rc_target_bitrate = UInt32(clamping: bitsPerSecond / 1000)
        try VP8Encoder.check(vpx_codec_enc_config_set(context, &config), context)
        configuration.bitrate = bitsPerSecond
    }

    /// Encodes `frame`; `forceKeyframe` answers a PLI/FIR. Returns what libvpx emitted (one frame in realtime mode
    /// without lookahead, none if the rate controller dropped it).
    public func encode(_ frame: VideoFrame, forceKeyframe: Bool = false) throws(MediaError) -> [EncodedVideoFrame] {
        guard frame.width == configuration.width, frame.height == configuration.height else {
            throw .invalidFrame("frame is \(frame.width)x\(frame.height), encoder \(configuration.width)x"
                + "\(configuration.height)")
        }
        let pts = nextPts(for: frame.captureTime)
        let nominal = VP8Encoder.clockRate / Int64(configuration.frameRate)
        let duration = lastPts < 0 ? nominal : max(1, pts - lastPts)
        lastPts = pts
        let flags: vpx_enc_frame_flags_t = forceKeyframe ? vpx_enc_frame_flags_t(linkup_vpx_efflag_force_kf()) : 0
        let width = UInt32(frame.width)
        let height = UInt32(frame.height)
        let status: vpx_codec_err_t = frame.y.withUnsafeBufferPointer { y in
            frame.u.withUnsafeBufferPointer { u in
                frame.v.withUnsafeBufferPointer { v in
                    // libvpx only reads the planes (it copies the picture into its own buffers before returning).
                    let yPlane = UnsafeMutablePointer(mutating: y.baseAddress!)
                    vpx_img_wrap(&image, VPX_IMG_FMT_I420, width, height, 1, yPlane)
                    image.planes.0 = yPlane
                    image.planes.1 = UnsafeMutablePointer(mutating: u.baseAddress!)
                    image.planes.2 = UnsafeMutablePointer(mutating: v.baseAddress!)
                    image.stride.0 = Int32(frame.strideY)
                    image.stride.1 = Int32(frame.strideU)
                    image.stride.2 = Int32(frame.strideV)
                    return vpx_codec_encode(context, &image, pts, UInt(duration), flags, linkup_vpx_dl_realtime())
                }
            }
        }
        try VP8Encoder.check(status, context)
        var out: [EncodedVideoFrame] = []
        var iterator: vpx_codec_iter_t? = nil
        while let packet = vpx_codec_get_cx_data(context, &iterator) {
            guard packet.pointee.kind == VPX_CODEC_CX_FRAME_PKT else { continue }
            let compressed = packet.pointee.data.frame
            let bytes = UnsafeRawBufferPointer(start: compressed.buf, count: compressed.sz)
            let isKey = compressed.flags & vpx_codec_frame_flags_t(VPX_FRAME_IS_KEY) != 0
            out.append(EncodedVideoFrame(data: Array(bytes), isKeyframe: isKey, pts: compressed.pts,
                captureTime: frame.captureTime))
        }
        return out
    }

    /// 90 kHz ticks since the first frame's capture time, forced to increase because libvpx needs rising pts.
    private func nextPts(for captureTime: Instant) -> Int64 {
        let first = firstCapture ?? captureTime
        firstCapture = first
        let ticks = (captureTime.nanoseconds - first.nanoseconds) * 9 / 100_000
        return max(ticks, lastPts + 1)
    }

    private func control(_ id: Int32, _ value: Int) throws(MediaError) {
        try VP8Encoder.check(linkup_vpx_control_int(context, id, Int32(clamping: value)), context)
    }

    static func check(_ status: vpx_codec_err_t, _ context: UnsafeMutablePointer<vpx_codec_ctx_t>?) throws(MediaError) {
        if status != VPX_CODEC_OK { throw error(status, context) }
    }

    static func error(_ status: vpx_codec_err_t, _ context: UnsafeMutablePointer<vpx_codec_ctx_t>?) -> MediaError {
        var message = String(cString: vpx_codec_err_to_string(status))
        if let context, let detail = vpx_codec_error_detail(context) { message += ": " + String(cString: detail) }
        return .vpx(code: Int32(status.rawValue), message: message)
    }
}
