// Implementations of CShim.h: each function is a one-line wrapper around a macro or a variadic call.
#define _GNU_SOURCE
#include "CShim.h"

#include <fcntl.h>
#include <stdarg.h>
#include <openssl/err.h>
#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <alsa/asoundlib.h>

int linkup_dtls_get_timeout(SSL *ssl, long *seconds, long *microseconds) {
    struct timeval tv = {0, 0};
    int running = (int)DTLSv1_get_timeout(ssl, &tv);
    *seconds = (long)tv.tv_sec;
    *microseconds = (long)tv.tv_usec;
    return running;
}
int linkup_dtls_handle_timeout(SSL *ssl) { return (int)DTLSv1_handle_timeout(ssl); }
long linkup_dtls_set_link_mtu(SSL *ssl, long mtu) { return DTLS_set_link_mtu(ssl, mtu); }
long linkup_ssl_set_mtu(SSL *ssl, long mtu) { return SSL_set_mtu(ssl, mtu); }
int linkup_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
int linkup_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
uint64_t linkup_ssl_ctx_set_options(SSL_CTX *ctx, uint64_t options) { return SSL_CTX_set_options(ctx, options); }
uint64_t linkup_ssl_set_options(SSL *ssl, uint64_t options) { return SSL_set_options(ssl, options); }
long linkup_bio_set_mem_eof_return(BIO *bio, long value) { return BIO_set_mem_eof_return(bio, value); }
long linkup_bio_pending(BIO *bio) { return (long)BIO_pending(bio); }
X509 *linkup_ssl_get_peer_certificate(SSL *ssl) { return SSL_get1_peer_certificate(ssl); }
int linkup_dtls1_2_version(void) { return DTLS1_2_VERSION; }

int linkup_opus_set_bitrate(OpusEncoder *enc, int32_t bps) { return opus_encoder_ctl(enc, OPUS_SET_BITRATE(bps)); }
int linkup_opus_set_inband_fec(OpusEncoder *enc, int32_t on) { return opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(on)); }
int linkup_opus_set_packet_loss_perc(OpusEncoder *enc, int32_t pct) {
    return opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(pct));
}
int linkup_opus_set_dtx(OpusEncoder *enc, int32_t on) { return opus_encoder_ctl(enc, OPUS_SET_DTX(on)); }
int linkup_opus_set_complexity(OpusEncoder *enc, int32_t c) { return opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(c)); }
int linkup_opus_get_bitrate(OpusEncoder *enc, int32_t *bps) { return opus_encoder_ctl(enc, OPUS_GET_BITRATE(bps)); }
int linkup_opus_decoder_reset(OpusDecoder *dec) { return opus_decoder_ctl(dec, OPUS_RESET_STATE); }

vpx_codec_err_t linkup_vpx_vp8_enc_init(vpx_codec_ctx_t *ctx, const vpx_codec_enc_cfg_t *cfg, vpx_codec_flags_t flags) {
    return vpx_codec_enc_init(ctx, vpx_codec_vp8_cx(), cfg, flags);
}
vpx_codec_err_t linkup_vpx_vp8_dec_init(vpx_codec_ctx_t *ctx, const vpx_codec_dec_cfg_t *cfg, vpx_codec_flags_t flags) {
    return vpx_codec_dec_init(ctx, vpx_codec_vp8_dx(), cfg, flags);
}
vpx_codec_err_t linkup_vpx_vp8_enc_config_default(vpx_codec_enc_cfg_t *cfg) {
    return vpx_codec_enc_config_default(vpx_codec_vp8_cx(), cfg, 0);
}
vpx_codec_err_t linkup_vpx_control_int(vpx_codec_ctx_t *ctx, int controlID, int value) {
    return vpx_codec_control_(ctx, controlID, value);
}
int linkup_vp8e_set_cpuused(void) { return VP8E_SET_CPUUSED; }
int linkup_vp8e_set_static_threshold(void) { return VP8E_SET_STATIC_THRESHOLD; }
int linkup_vp8e_set_max_intra_bitrate_pct(void) { return VP8E_SET_MAX_INTRA_BITRATE_PCT; }
int linkup_vp8e_set_noise_sensitivity(void) { return VP8E_SET_NOISE_SENSITIVITY; }
int linkup_vp8e_set_token_partitions(void) { return VP8E_SET_TOKEN_PARTITIONS; }
long linkup_vpx_efflag_force_kf(void) { return VPX_EFLAG_FORCE_KF; }
unsigned long linkup_vpx_dl_realtime(void) { return VPX_DL_REALTIME; }

int linkup_v4l2_open(const char *path, int flags) { return v4l2_open(path, flags); }
int linkup_v4l2_ioctl(int fd, unsigned long request, void *argument) { return v4l2_ioctl(fd, request, argument); }
unsigned long linkup_vidioc_querycap(void) { return VIDIOC_QUERYCAP; }
unsigned long linkup_vidioc_enum_fmt(void) { return VIDIOC_ENUM_FMT; }
unsigned long linkup_vidioc_enum_framesizes(void) { return VIDIOC_ENUM_FRAMESIZES; }
unsigned long linkup_vidioc_enum_frameintervals(void) { return VIDIOC_ENUM_FRAMEINTERVALS; }
unsigned long linkup_vidioc_g_fmt(void) { return VIDIOC_G_FMT; }
unsigned long linkup_vidioc_s_fmt(void) { return VIDIOC_S_FMT; }
unsigned long linkup_vidioc_g_parm(void) { return VIDIOC_G_PARM; }
unsigned long linkup_vidioc_s_parm(void) { return VIDIOC_S_PARM; }
unsigned long linkup_vidioc_reqbufs(void) { return VIDIOC_REQBUFS; }
unsigned long linkup_vidioc_querybuf(void) { return VIDIOC_QUERYBUF; }
unsigned long linkup_vidioc_qbuf(void) { return VIDIOC_QBUF; }
unsigned long linkup_vidioc_dqbuf(void) { return VIDIOC_DQBUF; }
unsigned long linkup_vidioc_streamon(void) { return VIDIOC_STREAMON; }
unsigned long linkup_vidioc_streamoff(void) { return VIDIOC_STREAMOFF; }

static unsigned long silenced = 0;
// ALSA's handler type is variadic, which is exactly why this lives in C.
static void linkup_alsa_quiet_handler(const char *file, int line, const char *function, int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
    __atomic_add_fetch(&silenced, 1, __ATOMIC_RELAXED);
}
void linkup_alsa_silence_errors(void) { snd_lib_error_set_handler(linkup_alsa_quiet_handler); }
void linkup_alsa_restore_errors(void) { snd_lib_error_set_handler(NULL); }
unsigned long linkup_alsa_silenced_count(void) { return __atomic_load_n(&silenced, __ATOMIC_RELAXED); }

#include <pthread.h>
void linkup_set_thread_name(const char *name) { pthread_setname_np(pthread_self(), name); }
