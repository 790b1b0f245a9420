"""An ALSA PCM that writes what is played into a raw file (the `file` plugin over `null`, paced by LinkUp itself),
defined in a private ~/.asoundrc: run linkup with `alsa_env(home)` and `--speaker alsa:linkupfile`. And the
analysis of what landed in the file: a tone's frequency and SNR, in plain Python.
"""

import math
import os
import pathlib
import struct

PCM_NAME = "linkupfile"


def alsa_file_home(directory: pathlib.Path) -> pathlib.Path:
    """Writes `directory`/.asoundrc defining pcm.linkupfile -> `directory`/played.raw; returns the raw file's path."""
    raw = directory / "played.raw"
    (directory / ".asoundrc").write_text(f"""
pcm.{PCM_NAME} {{
    type file
    slave.pcm "null"
    file "{raw}"
    format "raw"
}}
""")
    return raw


def alsa_env(directory: pathlib.Path, **extra: str) -> dict:
    """The environment whose ~/.asoundrc is the one alsa_file_home wrote."""
    env = dict(os.environ, HOME=str(directory))
    env.update(extra)
    return env


def read_samples(raw: pathlib.Path, start: int = 0, count: int | None = None) -> list[int]:
    """Signed 16-bit little-endian mono samples from the file."""
    data = raw.read_bytes()
    samples = struct.unpack(f"<{len(data) // 2}h", data[:len(data) // 2 * 2])
    return list(samples[start:None if count is None else start + count])


def rms(samples: list[int]) -> float:
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))


def goertzel_power(samples: list[int], frequency: float, rate: int = 48_000) -> float:
    coefficient = 2 * math.cos(2 * math.pi * frequency / rate)
    s1 = s2 = 0.0
    for sample in samples:
        s0 = sample + coefficient * s1 - s2
        s2, s1 = s1, s0
    return s1 * s1 + s2 * s2 - coefficient * s1 * s2


def dominant_frequency(samples: list[int], low: float = 100, high: float = 2000, rate: int = 48_000) -> float:
    """The strongest frequency in 1 Hz steps (a coarse 10 Hz scan, then 1 Hz around the peak, then 0.1 Hz)."""
    best = max(range(int(low), int(high), 10), key=lambda f: goertzel_power(samples, f, rate))
    best = max((best + step for step in range(-10, 11)), key=lambda f: goertzel_power(samples, f, rate))
    return max((best + step / 10 for step in range(-10, 11)), key=lambda f: goertzel_power(samples, f, rate))


def tone_snr(samples: list[int], frequency: float, rate: int = 48_000) -> float:
    """SNR in dB of a sine at `frequency`: the least-squares sine fitted to the samples is the signal, the rest noise."""
    w = 2 * math.pi * frequency / rate
    ss = sc = cc = ys = yc = 0.0
    for n, y in enumerate(samples):
        s, c = math.sin(w * n), math.cos(w * n)
        ss += s * s
        sc += s * c
        cc += c * c
        ys += y * s
        yc += y * c
    det = ss * cc - sc * sc
    a = (ys * cc - yc * sc) / det
    b = (yc * ss - ys * sc) / det
    signal = noise = 0.0
    for n, y in enumerate(samples):
        fitted = a * math.sin(w * n) + b * math.cos(w * n)
        signal += fitted * fitted
        noise += (y - fitted) ** 2
    return 10 * math.log10(signal / max(noise, 1e-9))
