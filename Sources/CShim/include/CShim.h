// LinkUp C shim: the few things Swift cannot import from the system libraries by itself.
// Swift imports neither C variadic functions (opus_*_ctl, vpx_codec_control_, v4l2_ioctl) nor function-like
// macros (DTLSv1_get_timeout, SSL_CTX_set_min_proto_version, vpx_codec_enc_init, ...), so each is wrapped here
// in a plain function with fixed arguments. Nothing in this file holds state.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>
#include <opus/opus.h>
#include <vpx/vpx_encoder.h>
#include <vpx/vpx_decoder.h>

// MARK: OpenSSL macros

/// DTLSv1_get_timeout: fills *seconds/*microseconds with the time left until the next retransmission; returns 1 when
/// a timer is running, 0 when none is.
int linkup_dtls_get_timeout(SSL *ssl, long *seconds, long *microseconds);
/// DTLSv1_handle_timeout: retransmits the last flight if its timer expired; returns 1 if it did, 0 if not, -1 on error.
int linkup_dtls_handle_timeout(SSL *ssl);
/// DTLS_set_link_mtu: the largest datagram DTLS may write.
long linkup_dtls_set_link_mtu(SSL *ssl, long mtu);
/// SSL_set_mtu (SSL_ctrl with SSL_CTRL_SET_MTU).
long linkup_ssl_set_mtu(SSL *ssl, long mtu);
/// SSL_CTX_set_min_proto_version.
int linkup_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version);
/// SSL_CTX_set_max_proto_version.
int linkup_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version);
/// SSL_CTX_set_options (a macro on some OpenSSL builds).
uint64_t linkup_ssl_ctx_set_options(SSL_CTX *ctx, uint64_t options);
/// SSL_set_options.
uint64_t linkup_ssl_set_options(SSL *ssl, uint64_t options);
/// BIO_set_mem_eof_return: what a drained memory BIO reports; -1 makes reads "retry" instead of EOF.
long linkup_bio_set_mem_eof_return(BIO *bio, long value);
/// BIO_get_mem_data's length (BIO_ctrl with BIO_CTRL_INFO).
long linkup_bio_pending(BIO *bio);
/// SSL_get_peer_certificate is a macro for SSL_get1_peer_certificate in OpenSSL 3.
X509 *linkup_ssl_get_peer_certificate(SSL *ssl);
/// The DTLS1_2_VERSION and DTLS1_VERSION constants (macros that Swift imports poorly across versions).
int linkup_dtls1_2_version(void);

// MARK: Opus variadic controls (opus_encoder_ctl / opus_decoder_ctl)

/// OPUS_SET_BITRATE.
int linkup_opus_set_bitrate(OpusEncoder *enc, int32_t bitsPerSecond);
/// OPUS_SET_INBAND_FEC (0 or 1).
int linkup_opus_set_inband_fec(OpusEncoder *enc, int32_t enabled);
/// OPUS_SET_PACKET_LOSS_PERC (0...100): how much loss FEC should plan for.
int linkup_opus_set_packet_loss_perc(OpusEncoder *enc, int32_t percent);
/// OPUS_SET_DTX (0 or 1).
int linkup_opus_set_dtx(OpusEncoder *enc, int32_t enabled);
/// OPUS_SET_COMPLEXITY (0...10).
int linkup_opus_set_complexity(OpusEncoder *enc, int32_t complexity);
/// OPUS_GET_BITRATE.
int linkup_opus_get_bitrate(OpusEncoder *enc, int32_t *bitsPerSecond);
/// OPUS_RESET_STATE on a decoder.
int linkup_opus_decoder_reset(OpusDecoder *dec);

// MARK: libvpx macros and variadic controls

/// vpx_codec_enc_init with the VP8 encoder interface.
vpx_codec_err_t linkup_vpx_vp8_enc_init(vpx_codec_ctx_t *ctx, const vpx_codec_enc_cfg_t *cfg, vpx_codec_flags_t flags);
/// vpx_codec_dec_init with the VP8 decoder interface.
vpx_codec_err_t linkup_vpx_vp8_dec_init(vpx_codec_ctx_t *ctx, const vpx_codec_dec_cfg_t *cfg, vpx_codec_flags_t flags);
/// vpx_codec_enc_config_default for VP8.
vpx_codec_err_t linkup_vpx_vp8_enc_config_default(vpx_codec_enc_cfg_t *cfg);
/// vpx_codec_control_ with an int argument (VP8E_SET_CPUUSED, VP8E_SET_NOISE_SENSITIVITY, ...).
vpx_codec_err_t linkup_vpx_control_int(vpx_codec_ctx_t *ctx, int controlID, int value);
/// The VP8E_* / VPX_* control and flag numbers the encoder wrapper uses.
int linkup_vp8e_set_cpuused(void);
int linkup_vp8e_set_static_threshold(void);
int linkup_vp8e_set_max_intra_bitrate_pct(void);
int linkup_vp8e_set_noise_sensitivity(void);
int linkup_vp8e_set_token_partitions(void);
long linkup_vpx_efflag_force_kf(void);
unsigned long linkup_vpx_dl_realtime(void);

// MARK: V4L2

/// v4l2_open without the variadic mode argument.
int linkup_v4l2_open(const char *path, int flags);
/// v4l2_ioctl with a pointer argument.
int linkup_v4l2_ioctl(int fd, unsigned long request, void *argument);
/// The VIDIOC_* request numbers (computed by the _IOR/_IOWR macros, which Swift cannot evaluate).
unsigned long linkup_vidioc_querycap(void);
unsigned long linkup_vidioc_enum_fmt(void);
unsigned long linkup_vidioc_enum_framesizes(void);
unsigned long linkup_vidioc_enum_frameintervals(void);
unsigned long linkup_vidioc_g_fmt(void);
unsigned long linkup_vidioc_s_fmt(void);
unsigned long linkup_vidioc_g_parm(void);
unsigned long linkup_vidioc_s_parm(void);
unsigned long linkup_vidioc_reqbufs(void);
unsigned long linkup_vidioc_querybuf(void);
unsigned long linkup_vidioc_qbuf(void);
unsigned long linkup_vidioc_dqbuf(void);
unsigned long linkup_vidioc_streamon(void);
unsigned long linkup_vidioc_streamoff(void);

// MARK: ALSA

/// Installs an ALSA error handler that drops the library's messages, which it otherwise prints straight to stderr
/// (for example while probing devices that do not exist); LinkUp reports ALSA errors itself from return codes.
void linkup_alsa_silence_errors(void);
/// Restores ALSA's default error handler (prints to stderr).
void linkup_alsa_restore_errors(void);
/// How many messages the silencing handler has swallowed since start (for tests and diagnostics).
unsigned long linkup_alsa_silenced_count(void);

// MARK: Threads

/// pthread_setname_np on the calling thread (a GNU extension Swift's Glibc module does not show): the name `top`
/// and `gdb` print, at most 15 bytes.
void linkup_set_thread_name(const char *name);
