"""Screen sharing: a known picture (text and shapes) drawn on a private Xvfb display at 1280x720, shared with
`linkup call --video screen:DISPLAY` to a record bot; the last frame the bot recorded, decoded by ffmpeg, matches
the picture (PSNR >= 30 dB over the whole picture and over the text)."""

import json
import os
import pathlib
import re
import shutil
import subprocess
import time

import pytest

from linkup_call import call_command, linkup_bot, run_call
from linkup_serve import linkup_serve, serve_unavailable
from xvfb import x_env, xvfb_display, xvfb_unavailable

pytestmark = [pytest.mark.skipif(serve_unavailable() is not None, reason=str(serve_unavailable())),
              pytest.mark.skipif(xvfb_unavailable() is not None, reason=str(xvfb_unavailable())),
              pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")]

TEST_TIMEOUT = 90
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def draw_picture(path: pathlib.Path):
    """A 1280x720 'desktop': a light background, a dark title bar, coloured boxes and lines of 16-20 px text."""
    command = ["convert", "-size", "1280x720", "xc:#f4f4f0", "-fill", "#203060", "-draw", "rectangle 0,0 1279,48",
               "-fill", "#d04030", "-draw", "rectangle 900,120 1200,330", "-fill", "#30a050",
               "-draw", "circle 1050,520 1050,620"]
    if os.path.exists(FONT):
        command += ["-font", FONT]
    command += ["-fill", "white", "-pointsize", "24", "-annotate", "+16+34", "LinkUp screen sharing test"]
    lines = ["The quick brown fox jumps over the lazy dog 0123456789",
             "Screen sharing keeps the resolution: 1280x720 at a low frame rate",
             "Text must stay legible after VP8 at the default bitrate.",
             "func share(display: String) throws -> VideoFrame { ... }"]
    for index, line in enumerate(lines):
        command += ["-fill", "#101010", "-pointsize", str(20 - index), "-annotate", f"+40+{110 + index * 40}", line]
    command.append(str(path))
    subprocess.run(command, check=True, timeout=30)


def psnr(a: pathlib.Path, b: pathlib.Path, crop: str | None = None) -> float:
    chain = f"crop={crop}," if crop else ""
    result = subprocess.run(["ffmpeg", "-v", "info", "-i", str(a), "-i", str(b), "-lavfi",
                             f"[0]{chain}format=yuv420p[x];[1]{chain}format=yuv420p[y];[x][y]psnr", "-f", "null",
                             "-"], capture_output=True, text=True, timeout=60)
    match = re.search(r"PSNR y:([\d.inf]+) u:([\d.inf]+) v:([\d.inf]+) average:([\d.inf]+)", result.stderr)
    assert match, result.stderr[-2000:]
    return float(match.group(1))  # luma: where text lives


def test_shared_screen_arrives_legible(tmp_path, deadline):
    picture = tmp_path / "desktop.png"
    draw_picture(picture)
    with xvfb_display(1280, 720) as display:
        shown = subprocess.Popen(["display", "-window", "root", str(picture)], env=x_env(display),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            shown.wait(timeout=20)
        except subprocess.TimeoutExpired:
            shown.kill()
        with linkup_serve() as server, linkup_bot(server.url, "screen-room", "record",
                                                 extra=("--record", str(tmp_path))) as bot:
            status, summary, log = run_call(server.url, "screen-room", "--to", bot.name, "--duration", "5",
                                            "--video", f"screen:{display}@5", "--audio", "none",
                                            "--window", "off", "--speaker", "none")
            assert status == 0, log
            ended = bot.wait_for_calls(1)[0]
    assert summary["media"]["videoFramesSent"] >= 15, summary
    video = pathlib.Path(ended["media"]["recording"]["videoPath"])
    last = tmp_path / "received.png"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(video), "-update", "1", str(last)], check=True,
                   timeout=60)
    directory = os.environ.get("LINKUP_SCREENSHOT_DIR")
    if directory:
        pathlib.Path(directory).mkdir(parents=True, exist_ok=True)
        shutil.copy(last, pathlib.Path(directory) / "screen-share-received.png")
        shutil.copy(picture, pathlib.Path(directory) / "screen-share-sent.png")
    whole = psnr(last, picture)
    text = psnr(last, picture, crop="1000:180:0:80")
    print(f"screen share 1280x720: PSNR {whole:.1f} dB over the picture, {text:.1f} dB over the text")
    assert whole >= 30, whole
    assert text >= 30, text


def test_a_video_device_that_vanishes_leaves_the_call_up_sending_black(tmp_path, deadline):
    """The display being shared goes away mid-call (as a camera unplugged would): the call stays up, says so, and
    keeps sending (black) pictures until its end."""
    with linkup_serve() as server, linkup_bot(server.url, "vanish-room", "record",
                                              extra=("--record", str(tmp_path))) as bot:
        with xvfb_display(640, 480) as display:
            call = subprocess.Popen(call_command(server.url, "vanish-room", "--to", bot.name, "--duration", "6",
                                                 "--video", f"screen:{display}@10", "--audio", "none",
                                                 "--window", "off", "--speaker", "none", "--json"),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
            time.sleep(3)
        # The display is gone now; the call must carry on to its end.
        out, err = call.communicate(timeout=30)
        ended = bot.wait_for_calls(1)[0]
    assert call.returncode == 0, err
    assert "capture stopped" in err and "sending black, the call goes on" in err, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["connected"], summary
    print("vanished display:", summary["endReason"], summary["media"]["videoFramesSent"], "frames sent,",
          ended["media"]["recording"]["videoFrames"], "recorded")
    # 10 fps while the display lived, 15 fps of black after: well over what 3 s of sharing alone would give.
    assert summary["media"]["videoFramesSent"] >= 50, summary["media"]
    assert ended["media"]["recording"]["videoFrames"] >= 50, ended
