"""ERLE and near-end SNR of SpeexDSP (LinkUp's EchoCanceller) and WebRTC's audio processing on the same synthetic
echo path (Tests/MediaTests/Audio/EchoCancellerTests.swift):

    mkdir -p /tmp/aec && LINKUP_AEC_DUMP=/tmp/aec swift test --disable-xctest --filter EchoCancellerTests
    g++ -O2 -o /tmp/webrtc_apm Benchmarks/aec_compare/webrtc_apm.cc $(pkg-config --cflags --libs webrtc-audio-processing)
    /tmp/webrtc_apm /tmp/aec && python3 Benchmarks/aec_compare/compare.py /tmp/aec

ERLE over 4-10 s (far end only, after convergence); near-end SNR over 10-14 s (double talk), at the output's best lag.
"""

import math
import struct
import sys

RATE = 48_000


def read(path):
    data = open(path, "rb").read()
    return struct.unpack(f"<{len(data) // 2}h", data)


def energy(samples):
    return sum(s * s for s in samples)


def snr_at_best_lag(reference, output, max_lag=1200):
    probe = range(0, min(len(reference), 24_000))
    def score(lag):
        return sum(reference[i] * output[i + lag] for i in probe if i + lag < len(output))
    coarse = max(range(0, max_lag, 20), key=score)
    lag = max(range(max(0, coarse - 20), coarse + 21), key=score)
    pairs = [(reference[i], output[i + lag]) for i in range(len(reference) - lag)]
    signal = sum(r * r for r, _ in pairs)
    noise = sum((r - o) ** 2 for r, o in pairs)
    return 10 * math.log10(signal / max(noise, 1)), lag


def main(directory):
    echo, near = read(f"{directory}/echo.raw"), read(f"{directory}/near.raw")
    mic = read(f"{directory}/mic.raw")
    converged = slice(4 * RATE, 10 * RATE)
    talk = slice(10 * RATE, len(near))
    before = 10 * math.log10(energy(near[talk]) / energy(echo[talk]))
    print(f"microphone: near-end SNR during double talk {before:.1f} dB")
    for name in ("speex", "webrtc"):
        try:
            out = read(f"{directory}/{name}.raw")
        except FileNotFoundError:
            continue
        erle = 10 * math.log10(energy(echo[converged]) / max(energy(out[converged]), 1))
        snr, lag = snr_at_best_lag(near[talk], out[talk])
        print(f"{name:7s}: ERLE {erle:.1f} dB; near-end SNR during double talk {snr:.1f} dB (output lag {lag})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/aec")
