"""A private X display for tests of the call window and of screen sharing: Xvfb on a free display number, stopped
(by its PID) at the end, with helpers around ImageMagick's `import` and xdotool.

    with xvfb_display(1280, 720) as display:    # ":93"
        ...
"""

import contextlib
import os
import pathlib
import shutil
import subprocess
import time

from processes import stop_process


def xvfb_unavailable() -> str | None:
    """Why no virtual display can be used here (Debian xvfb, xdotool, imagemagick), or None."""
    for tool in ("Xvfb", "xdotool", "import", "convert"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (make deps installs xvfb, xdotool and imagemagick)"
    return None


def _free_display() -> int:
    for number in range(91, 200):
        if not os.path.exists(f"/tmp/.X11-unix/X{number}") and not os.path.exists(f"/tmp/.X{number}-lock"):
            return number
    raise RuntimeError("no free X display number between :91 and :199")


@contextlib.contextmanager
def xvfb_display(width: int = 1280, height: int = 720):
    """Starts Xvfb (24-bit, MIT-SHM on, no TCP) and yields its DISPLAY string; always stops it."""
    number = _free_display()
    process = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp",
                                "-noreset"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    display = f":{number}"
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(f"/tmp/.X11-unix/X{number}"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"Xvfb {display} did not start: {process.stderr.read().decode()[-500:]}")
            time.sleep(0.05)
        while subprocess.run(["xdotool", "getmouselocation"], env=x_env(display), capture_output=True).returncode:
            if time.monotonic() > deadline:
                raise AssertionError(f"Xvfb {display} does not answer")
            time.sleep(0.05)
        yield display
    finally:
        stop_process(process)


def x_env(display: str, **extra: str) -> dict:
    """The environment with DISPLAY set (and anything else given)."""
    env = dict(os.environ, DISPLAY=display)
    env.update(extra)
    return env


def find_window(display: str, name: str, timeout: float = 20) -> str:
    """The id of the first window whose title contains `name`, waiting for it to appear."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = subprocess.run(["xdotool", "search", "--name", name], env=x_env(display), capture_output=True,
                                text=True)
        ids = result.stdout.split()
        if ids:
            return ids[0]
        time.sleep(0.1)
    raise AssertionError(f"no window named {name!r} appeared on {display} within {timeout} s")


def grab(display: str, window: str, png: pathlib.Path | None = None) -> tuple[int, int, bytes]:
    """The window's pixels as (width, height, RGB bytes), saved as PNG too when `png` is given."""
    result = subprocess.run(["import", "-window", window, "-depth", "8", "ppm:-"], env=x_env(display), capture_output=True,
                            timeout=20)
    assert result.returncode == 0, result.stderr.decode()
    width, height, pixels = parse_ppm(result.stdout)
    if png is not None:
        subprocess.run(["convert", "ppm:-", str(png)], input=result.stdout, check=True, timeout=20)
    return width, height, pixels


def parse_ppm(data: bytes) -> tuple[int, int, bytes]:
    """A binary PPM (P6, maxval 255) as (width, height, RGB bytes)."""
    fields = []
    position = 0
    while len(fields) < 4:
        while data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":
            position = data.index(b"\n", position) + 1
            continue
        end = position
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    assert fields[0] == b"P6" and fields[3] == b"255", fields
    width, height = int(fields[1]), int(fields[2])
    position += 1
    return width, height, data[position:position + width * height * 3]


def luma(pixels: bytes, width: int, x: int, y: int) -> float:
    """BT.601 limited-range luma of one RGB pixel (what the I420 picture held there)."""
    index = (y * width + x) * 3
    r, g, b = pixels[index], pixels[index + 1], pixels[index + 2]
    return 16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256


def read_test_pattern(pixels: bytes, width: int, left: int = 0, top: int = 0, picture_width: int = 640):
    """The frame number LinkUp's test pattern carries (TestPatternCode.swift, TestPatternReader.swift), read from a
    picture drawn 1:1 at (left, top); None when the marker or CRC does not match."""
    block, per_row = 16, picture_width // 16
    bits = []
    for bit in range(120):
        x0 = left + (bit % per_row) * block + block // 4
        y0 = top + (bit // per_row) * block + block // 4
        total = sum(luma(pixels, width, x, y) for y in range(y0, y0 + block // 2) for x in range(x0, x0 + block // 2))
        bits.append(1 if total / (block * block / 4) > (16 + 235) / 2 else 0)
    data = bytes(int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, 120, 8))
    if data[0] != 0b1011_0100:
        return None
    crc = 0xFFFF
    for byte in data[1:13]:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    if crc != (data[13] << 8 | data[14]):
        return None
    return int.from_bytes(data[1:5], "big")
