#pragma once
// libyuv's colour conversion and scaling (Debian libyuv-dev; Debian ships no libyuv.pc, so no pkg-config name).
#include <libyuv/convert.h>
#include <libyuv/convert_from_argb.h>
#include <libyuv/scale.h>
