import CALSA
import COpenSSL
import COpus
import CShim
import CSRTP
import CVPX
import Testing

/// The C shim links against every system library and each wrapper reaches the real function behind its macro.
@Suite struct ShimTests {
    @Test func videoIoctlNumbersMatchTheKernelABI() {
        // _IOR('V', 0, struct v4l2_capability) with a 104-byte struct, and _IOWR('V', 5/4, ...) on x86_64 Linux.
        #expect(linkup_vidioc_querycap() == 0x8068_5600)
        #expect(linkup_vidioc_streamon() == 0x4004_5612)
        #expect(linkup_vidioc_streamoff() == 0x4004_5613)
        #expect(linkup_vidioc_dqbuf() != linkup_vidioc_qbuf())
        // _IOWR('V', 75, struct v4l2_frmivalenum) (52 bytes) and _IOWR('V', 21, struct v4l2_streamparm) (204 bytes).
        #expect(linkup_vidioc_enum_frameintervals() == 0xC034_564B)
        #expect(linkup_vidioc_g_parm() == 0xC0CC_5615)
    }

    @Test func opusControlsReachTheEncoder() throws {
        var error: Int32 = 0
        let encoder = try #require(opus_encoder_create(48_000, 2, OPUS_APPLICATION_VOIP, &error))
        defer { opus_encoder_destroy(encoder) }
        #expect(error == OPUS_OK)
        #expect(linkup_opus_set_bitrate(encoder, 32_000) == OPUS_OK)
        #expect(linkup_opus_set_inband_fec(encoder, 1) == OPUS_OK)
        #expect(linkup_opus_set_dtx(encoder, 0) == OPUS_OK)
        var bitrate: Int32 = 0
        #expect(linkup_opus_get_bitrate(encoder, &bitrate) == OPUS_OK)
        #expect(bitrate == 32_000)
        #expect(linkup_opus_set_complexity(encoder, 11) == OPUS_BAD_ARG)
    }

    @Test func vp8EncoderInitialisesThroughTheMacroWrappers() {
        var config = vpx_codec_enc_cfg_t()
        #expect(linkup_vpx_vp8_enc_config_default(&config) == VPX_CODEC_OK)
        config.g_w = 320
        config.g_h = 240
        var codec = vpx_codec_ctx_t()
        #expect(linkup_vpx_vp8_enc_init(&codec, &config, 0) == VPX_CODEC_OK)
        #expect(linkup_vpx_control_int(&codec, linkup_vp8e_set_cpuused(), 8) == VPX_CODEC_OK)
        vpx_codec_destroy(&codec)
        var decoder = vpx_codec_ctx_t()
        #expect(linkup_vpx_vp8_dec_init(&decoder, nil, 0) == VPX_CODEC_OK)
        vpx_codec_destroy(&decoder)
    }

    @Test func dtlsMacrosWorkOnARealContext() throws {
        let context = try #require(SSL_CTX_new(DTLS_method()))
        defer { SSL_CTX_free(context) }
        #expect(linkup_dtls1_2_version() == 0xFEFD)
        #expect(linkup_ssl_ctx_set_min_proto_version(context, linkup_dtls1_2_version()) == 1)
        let ssl = try #require(SSL_new(context))
        defer { SSL_free(ssl) }
        var seconds = -1, microseconds = -1
        // No handshake has started, so no retransmission timer runs.
        #expect(linkup_dtls_get_timeout(ssl, &seconds, &microseconds) == 0)
        let bio = try #require(BIO_new(BIO_s_mem()))
        defer { BIO_free(bio) }
        #expect(linkup_bio_set_mem_eof_return(bio, -1) == 1)
        #expect(linkup_bio_pending(bio) == 0)
    }

    @Test func alsaErrorsAreSilencedAndCounted() {
        linkup_alsa_silence_errors()
        defer { linkup_alsa_restore_errors() }
        let before = linkup_alsa_silenced_count()
        var pcm: OpaquePointer?
        // A device name that cannot exist: ALSA reports it through the (silenced) error handler.
        let result = snd_pcm_open(&pcm, "linkup_no_such_device", SND_PCM_STREAM_PLAYBACK, 0)
        #expect(result < 0)
        #expect(linkup_alsa_silenced_count() > before)
    }

    @Test func libsrtpIsLinked() throws {
        // srtp_init() is not called here: re-initialising libsrtp's crypto kernel while SRTP tests run in
        // parallel would pull it out from under their contexts. The version proves the library is linked.
        let version = String(cString: try #require(srtp_get_version_string()))
        #expect(version.hasPrefix("libsrtp2 2."))
    }
}
