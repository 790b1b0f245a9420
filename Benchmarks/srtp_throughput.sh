#!/bin/sh
# SRTP throughput: protect+unprotect pairs per second of 1200-byte RTP packets, LinkUp's own SRTP (OpenSSL EVP)
# against libsrtp2 in one run, for AES_CM_128_HMAC_SHA1_80, AEAD_AES_128_GCM and AEAD_AES_256_GCM.
# Usage: Benchmarks/srtp_throughput.sh [pairs]   (LINKUP_BIN defaults to the release build)
set -eu
LINKUP_BIN="${LINKUP_BIN:-.build/release/linkup}"
exec "$LINKUP_BIN" bench-srtp --pairs "${1:-500000}" --size 1200
