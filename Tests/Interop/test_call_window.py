"""`linkup call --window on` into an echo bot, on a private Xvfb display: the window shows live remote video (the
test pattern's frame number changes between two grabs a second apart), the local inset and the status overlay;
`m` mutes the microphone (the echo bot then sends back silence, heard in the speaker's file), `v` turns the camera
off (black comes back), `f` goes full screen and back, and `q` hangs up.

LINKUP_SCREENSHOT_DIR, when set, keeps the grabs there as PNG."""

import json
import os
import pathlib
import shutil
import subprocess
import time

import pytest

from alsa_file import PCM_NAME, alsa_env, alsa_file_home, dominant_frequency, read_samples, rms
from linkup_call import call_command, linkup_bot
from linkup_serve import linkup_serve, serve_unavailable
from xvfb import find_window, grab, luma, read_test_pattern, x_env, xvfb_display, xvfb_unavailable

pytestmark = [pytest.mark.skipif(serve_unavailable() is not None, reason=str(serve_unavailable())),
              pytest.mark.skipif(xvfb_unavailable() is not None, reason=str(xvfb_unavailable()))]

TEST_TIMEOUT = 90


def keep(png: pathlib.Path):
    directory = os.environ.get("LINKUP_SCREENSHOT_DIR")
    if directory:
        pathlib.Path(directory).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, pathlib.Path(directory) / png.name)


def wait_for_file_growth(raw: pathlib.Path, seconds: float):
    """Waits until the speaker's file holds `seconds` more audio than now."""
    start = raw.stat().st_size if raw.exists() else 0
    deadline = time.monotonic() + seconds * 3 + 5
    while (raw.stat().st_size if raw.exists() else 0) < start + seconds * 96_000:
        assert time.monotonic() < deadline, "the speaker's file stopped growing"
        time.sleep(0.05)


def wait_for_geometry(display: str, window: str, size: str, timeout: float = 5) -> bool:
    deadline_at = time.monotonic() + timeout
    while time.monotonic() < deadline_at:
        result = subprocess.run(["xdotool", "getwindowgeometry", window], env=x_env(display), capture_output=True,
                                text=True)
        if f"Geometry: {size}" in result.stdout:
            return True
        time.sleep(0.1)
    return False


def test_window_shows_live_video_inset_and_overlay_and_obeys_keys(tmp_path, deadline):
    raw = alsa_file_home(tmp_path)
    with linkup_serve() as server, xvfb_display(1280, 720) as display, \
            linkup_bot(server.url, "window-room", "echo") as bot:
        env = x_env(display, **{k: v for k, v in alsa_env(tmp_path).items() if k == "HOME"})
        call = subprocess.Popen(call_command(server.url, "window-room", "--to", bot.name, "--duration", "60",
                                             "--window", "on", "--speaker", f"alsa:{PCM_NAME}", "--json"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                                env=env)
        try:
            window = find_window(display, "LinkUp")
            # The window takes the remote picture's size (640x480) once video flows; the echo comes back.
            wait_for_file_growth(raw, 2)
            first_size, first = None, None
            deadline_at = time.monotonic() + 20
            while time.monotonic() < deadline_at:
                width, height, pixels = grab(display, window, tmp_path / "call-window-1.png")
                number = read_test_pattern(pixels, width) if (width, height) == (640, 480) else None
                if number is not None:
                    first_size, first = (width, height), number
                    break
                time.sleep(0.2)
            assert first is not None, f"no readable test pattern in the window (size {width}x{height})"
            time.sleep(1)
            width, height, pixels = grab(display, window, tmp_path / "call-window-2.png")
            second = read_test_pattern(pixels, width)
            keep(tmp_path / "call-window-1.png")
            keep(tmp_path / "call-window-2.png")
            assert second is not None and second != first, (first, second)
            assert 15 <= (second - first) % 2**32 <= 60, (first, second)  # about a second of 30 fps video

            # The inset (bottom right, a quarter of the width, framed in white above the 44-pixel status bar)
            # shows our own test pattern: its frame and content are not black.
            inset = [(x, y) for x in range(640 - 12 - 160, 640 - 12) for y in range(480 - 44 - 12 - 120, 480 - 44 - 12)]
            bright = sum(1 for x, y in inset[::7] if luma(pixels, width, x, y) > 60)
            assert bright > len(inset[::7]) * 0.3, f"the inset looks empty ({bright} bright samples)"
            frame_pixel = luma(pixels, width, 640 - 12 - 160 - 1, 480 - 44 - 12 - 60)
            assert frame_pixel > 180, f"no white frame around the inset ({frame_pixel})"
            # The status bar (bottom 44 rows, darkened) carries text: light pixels on the dark band.
            bar = [luma(pixels, width, x, y) for x in range(4, 400) for y in range(480 - 44, 480)]
            text_pixels = sum(1 for value in bar if value > 150)
            assert text_pixels > 200, f"no overlay text ({text_pixels} light pixels)"

            # m: the tone we send stops; the echo bot sends back what it gets, so the speaker goes quiet.
            before = read_samples(raw)[-48_000:]
            assert rms(before) > 1000, rms(before)
            assert abs(dominant_frequency(before) - 440) < 3
            subprocess.run(["xdotool", "windowfocus", "--sync", window], env=x_env(display), check=True, timeout=10)
            subprocess.run(["xdotool", "key", "m"], env=x_env(display), check=True, timeout=10)
            muted_at = len(read_samples(raw))
            wait_for_file_growth(raw, 2.5)
            width, height, pixels = grab(display, window, tmp_path / "call-window-muted.png")
            keep(tmp_path / "call-window-muted.png")
            after = read_samples(raw, muted_at + 48_000)  # a second later: the round trip is well under that
            assert len(after) >= 48_000
            assert rms(after) < 50, f"audio still playing after m: rms {rms(after)}"

            # f: full screen (the whole 1280x720 display), f again: back to the window's size.
            subprocess.run(["xdotool", "key", "f"], env=x_env(display), check=True, timeout=10)
            assert wait_for_geometry(display, window, "1280x720"), "f did not make the window full screen"
            subprocess.run(["xdotool", "key", "f"], env=x_env(display), check=True, timeout=10)
            assert wait_for_geometry(display, window, "640x480"), "f again did not restore the window"

            # v: the camera goes off; we send black, the echo bot sends it back, and the window shows it.
            subprocess.run(["xdotool", "key", "v"], env=x_env(display), check=True, timeout=10)
            dark = None
            deadline_at = time.monotonic() + 10
            while time.monotonic() < deadline_at:
                time.sleep(0.3)
                width, height, pixels = grab(display, window, tmp_path / "call-window-camera-off.png")
                samples = [luma(pixels, width, x, y) for x in range(0, 440, 8) for y in range(60, 420, 8)]
                dark = sum(samples) / len(samples)
                if dark < 25 and read_test_pattern(pixels, width) is None:
                    break
            keep(tmp_path / "call-window-camera-off.png")
            assert dark is not None and dark < 25, f"the remote picture did not go black after v (mean luma {dark})"

            # q hangs up: the call ends and says so.
            subprocess.run(["xdotool", "key", "q"], env=x_env(display), check=True, timeout=10)
            out, err = call.communicate(timeout=20)
        finally:
            if call.poll() is None:
                call.kill()
                call.communicate()
        summary = json.loads(out.strip().splitlines()[-1])
        assert summary["endReason"] == "you hung up", summary
        assert call.returncode == 0, err
        assert "microphone muted" in err and "camera off" in err
        assert "playout: delay" in err, err
        print("\n".join(line for line in err.splitlines() if "playout:" in line or "window:" in line))
        assert bot.wait_for_calls(1)[0]["media"]["packetsForwarded"] > 0
