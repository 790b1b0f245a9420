#pragma once
// SpeexDSP's acoustic echo canceller and preprocessor (Debian libspeexdsp-dev).
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>
