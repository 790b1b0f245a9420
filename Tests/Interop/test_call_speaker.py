"""Sound out: `linkup call` plays what the echo bot sends back (our own 440 Hz tone through Opus both ways and the
jitter buffer) into an ALSA PCM that writes a file; the file holds the tone, at the right frequency and clean."""

import json
import re
import subprocess

import pytest

from alsa_file import PCM_NAME, alsa_env, alsa_file_home, dominant_frequency, read_samples, rms, tone_snr
from linkup_call import call_command, linkup_bot
from linkup_serve import linkup_serve, serve_unavailable

pytestmark = pytest.mark.skipif(serve_unavailable() is not None, reason=str(serve_unavailable()))

TEST_TIMEOUT = 60


def test_received_tone_plays_into_the_speaker(tmp_path, deadline):
    raw = alsa_file_home(tmp_path)
    with linkup_serve() as server, linkup_bot(server.url, "speaker-room", "echo") as bot:
        result = subprocess.run(call_command(server.url, "speaker-room", "--to", bot.name, "--duration", "5",
                                             "--video", "none", "--window", "off", "--speaker", f"alsa:{PCM_NAME}",
                                             "--audio", "tone:440", "--json"),
                                capture_output=True, text=True, timeout=40, env=alsa_env(tmp_path),
                                stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    samples = read_samples(raw)
    assert len(samples) >= 4 * 48_000, len(samples)  # paced to real time: about 5 s of audio
    # The last two seconds before the end (the first ones hold the silence before the echo arrived).
    window = samples[-3 * 48_000:-48_000]
    frequency = dominant_frequency(window)
    # SNR in 100 ms pieces, the median: a re-buffering gap (a loaded machine) restarts the tone at another phase,
    # which one sine fitted over seconds would count as noise; the underruns are counted separately below.
    pieces = sorted(tone_snr(window[start:start + 4800], frequency) for start in range(0, len(window) - 4800, 4800))
    snr = pieces[len(pieces) // 2]
    delay = re.search(r"playout: delay (\d+) ms on average, (\d+) ms at the end \(target (\d+) ms\), (\d+) buffer underruns, "
                      r"(\d+) device underruns",
                      result.stderr)
    print(f"speaker: {frequency:.1f} Hz, SNR {snr:.1f} dB, rms {rms(window):.0f}; {delay.group(0) if delay else ''}")
    assert abs(frequency - 440) < 2, frequency
    assert snr >= 20, snr
    assert delay is not None, result.stderr
    assert int(delay.group(1)) < 300
    assert int(delay.group(4)) <= 2  # the start of the stream, at most
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["playout"]["playedMs"] >= 3000, summary["playout"]


@pytest.mark.parametrize("aec", [True, False])
def test_microphone_runs_through_echo_cancellation_unless_told(tmp_path, deadline, aec):
    """`--audio alsa:null` (ALSA's silent capture device) with a speaker: the microphone path runs through the echo
    canceller fed with what the speaker played, unless --no-aec; 50 frames a second go out either way."""
    alsa_file_home(tmp_path)
    with linkup_serve() as server, linkup_bot(server.url, "aec-room", "echo") as bot:
        result = subprocess.run(call_command(server.url, "aec-room", "--to", bot.name, "--duration", "3",
                                             "--video", "none", "--window", "off", "--speaker", f"alsa:{PCM_NAME}",
                                             "--audio", "alsa:null", *(() if aec else ("--no-aec",))),
                                capture_output=True, text=True, timeout=40, env=alsa_env(tmp_path),
                                stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert ("with echo cancellation on the microphone" in result.stderr) == aec, result.stderr
    sent = re.search(r"sent: \d+ video frames \(\d+ keyframes\), (\d+) audio frames", result.stdout)
    assert sent and 100 <= int(sent.group(1)) <= 200, result.stdout


def test_a_window_or_speaker_asked_for_that_cannot_open_fails_with_a_sentence(tmp_path):
    """`--window on` without a display and a speaker that does not exist fail before calling, with a sentence; the
    defaults (`--window auto`, the `default` speaker) would carry on without them."""
    env = {key: value for key, value in alsa_env(tmp_path).items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    for arguments, sentence in ((("--window", "on"), "--window on: invalid device configuration: no display"),
                                (("--speaker", "alsa:linkup-no-such-pcm"), "--speaker alsa:linkup-no-such-pcm: ALSA")):
        result = subprocess.run(call_command("http://127.0.0.1:9", "nowhere", *arguments), capture_output=True,
                                text=True, timeout=30, env=env, stdin=subprocess.DEVNULL)
        assert result.returncode == 1, result.stderr
        assert sentence in result.stderr, result.stderr
