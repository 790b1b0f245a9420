"""ffprobe/ffmpeg read the IVF, Ogg Opus, Y4M and WAV files LinkUp's Media writers produce, with the right counts.

The files come from the Swift suite MediaSampleFilesTests (run here with LINKUP_MEDIA_SAMPLES_DIR pointing at a
temporary directory). Skipped when ffprobe is not installed (`apt-get install -y ffmpeg`).
"""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe not installed")


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    directory = tmp_path_factory.mktemp("media-samples")
    environment = dict(os.environ, LINKUP_MEDIA_SAMPLES_DIR=str(directory))
    subprocess.run(["swift", "test", "--skip-build", "--disable-xctest", "--filter", "MediaSampleFilesTests"],
                   cwd=ROOT, env=environment, check=True, capture_output=True, timeout=600)
    return directory


def probe(path, stream):
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", stream,
         "-show_entries", "stream=codec_name,width,height,channels,sample_rate,nb_read_frames", "-of", "json",
         str(path)], check=True, capture_output=True, text=True).stdout
    return json.loads(output)["streams"][0]


def decodes_cleanly(path):
    result = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
                            capture_output=True, text=True)
    return result.returncode == 0 and result.stderr.strip() == ""


def test_ivf(samples):
    info = probe(samples / "pattern.ivf", "v:0")
    assert info["codec_name"] == "vp8"
    assert (info["width"], info["height"]) == (320, 240)
    assert info["nb_read_frames"] == "30"
    assert decodes_cleanly(samples / "pattern.ivf")


def test_ogg_opus(samples):
    info = probe(samples / "tone.opus", "a:0")
    assert info["codec_name"] == "opus"
    assert info["channels"] == 2
    assert info["nb_read_frames"] == "50"
    assert decodes_cleanly(samples / "tone.opus")


def test_y4m(samples):
    info = probe(samples / "pattern.y4m", "v:0")
    assert info["codec_name"] == "rawvideo"
    assert (info["width"], info["height"]) == (320, 240)
    assert info["nb_read_frames"] == "30"


def test_wav(samples):
    info = probe(samples / "tone.wav", "a:0")
    assert info["codec_name"] == "pcm_s16le"
    assert (info["channels"], info["sample_rate"]) == (2, "48000")
    assert decodes_cleanly(samples / "tone.wav")
