"""`linkup devices` runs as a real process on whatever this machine has: it exits 0, prints its sections, and with
--json one object listing cameras, cards and PCMs. Machines without cameras or sound cards (CI, containers) must get
the plain "none found" sentences, not an error.
"""

import glob
import json
import subprocess

from linkup_probe import linkup_binary

NO_CAMERAS = "No cameras found (no /dev/video* device answers as a V4L2 capture device)."


def run(*arguments):
    return subprocess.run([linkup_binary(), "devices", *arguments], capture_output=True, text=True, timeout=60)


def test_text_listing():
    result = run()
    assert result.returncode == 0, result.stderr
    assert "Cameras (V4L2):" in result.stdout
    assert "Audio playback devices (ALSA PCMs):" in result.stdout
    assert "Audio capture devices (ALSA PCMs):" in result.stdout
    if not glob.glob("/dev/video*"):
        assert NO_CAMERAS in result.stdout


def test_json_listing():
    result = run("--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) >= {"cameras", "skippedCameras", "cards", "pcms"}
    for camera in report["cameras"]:
        assert camera["path"].startswith("/dev/video") and camera["formats"] is not None
    for pcm in report["pcms"]:
        assert pcm["playback"] or pcm["capture"]
    if not glob.glob("/dev/video*"):
        assert report["cameras"] == []
