"""Echo cancellation end to end: a person's `linkup call` whose speaker and microphone are joined by a simulated
room (two FIFOs and this test in between: what the speaker plays comes back into the microphone 60-140 ms later at
half the level), called by another `linkup call` that sends a 660 Hz tone and records what it receives. With echo
cancellation the far side hears much less of its own tone than with --no-aec."""

import contextlib
import fcntl
import math
import os
import shutil
import struct
import subprocess
import termios
import threading
import time

import pytest

from alsa_file import rms
from linkup_call import call_command
from linkup_serve import linkup_serve, serve_unavailable

pytestmark = [pytest.mark.skipif(serve_unavailable() is not None, reason=str(serve_unavailable())),
              pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")]

TEST_TIMEOUT = 90
ECHO_DELAY_SAMPLES = 960  # 20 ms, plus what waits in the pipe (40-120 ms)
ECHO_GAIN = 0.5


@contextlib.contextmanager
def room(directory):
    """Writes ~/.asoundrc with pcm.roomspeaker (into speaker.fifo) and pcm.roommic (out of mic.fifo), and runs the
    room: speaker samples back into the microphone, delayed and attenuated."""
    speaker, mic = directory / "speaker.fifo", directory / "mic.fifo"
    os.mkfifo(speaker)
    os.mkfifo(mic)
    (directory / ".asoundrc").write_text(f"""
pcm.roomspeaker {{
    type file
    slave.pcm "null"
    file "{speaker}"
    format "raw"
}}
pcm.roommic {{
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "{mic}"
    format "raw"
}}
""")
    speaker_fd = os.open(speaker, os.O_RDWR)  # read and write: neither side's open ever blocks
    mic_fd = os.open(mic, os.O_RDWR)
    stop = threading.Event()

    def run():
        delay = [0.0] * ECHO_DELAY_SAMPLES
        while not stop.is_set():
            data = os.read(speaker_fd, 3840)
            samples = struct.unpack(f"<{len(data) // 2}h", data[:len(data) // 2 * 2])
            delay.extend(s * ECHO_GAIN for s in samples)
            out, delay[:] = delay[:len(samples)], delay[len(samples):]
            os.write(mic_fd, struct.pack(f"<{len(out)}h", *(int(s) for s in out)))
            # Before the microphone reads (and if it ever falls behind) the pipe fills: drop the oldest down to
            # 40 ms once more than 120 ms wait, so the echo's delay settles and then stays put.
            queued = struct.unpack("i", fcntl.ioctl(mic_fd, termios.FIONREAD, b"\0\0\0\0"))[0]
            if queued > 11_520:
                os.read(mic_fd, queued - 3840)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        os.write(speaker_fd, b"\0" * 3840)  # wake the reader
        thread.join(timeout=5)
        os.close(speaker_fd)
        os.close(mic_fd)


def far_side_hears(server_url, directory, tag, *person_arguments):
    """Runs the call; returns the RMS of what the far side received over its last 4 seconds."""
    record = directory / f"far-{tag}"
    record.mkdir()
    far = subprocess.Popen(call_command(server_url, f"aec-{tag}", "--name", "far", "--answer", "--audio", "tone:660",
                                        "--video", "none", "--window", "off", "--speaker", "none", "--record",
                                        str(record), "--duration", "9", "--wait", "30", "--json"),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        time.sleep(1)
        person = subprocess.run(call_command(server_url, f"aec-{tag}", "--name", "person", "--to", "far",
                                             "--audio", "alsa:roommic", "--speaker", "alsa:roomspeaker", "--video",
                                             "none", "--window", "off", "--duration", "8", "--json",
                                             *person_arguments),
                                capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                                env=dict(os.environ, HOME=str(directory)))
        far.communicate(timeout=30)
    finally:
        if far.poll() is None:
            far.kill()
            far.communicate()
    assert person.returncode == 0, person.stderr
    ogg = next(record.glob("*.ogg"))
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(ogg), "-f", "s16le", "-ac", "1", "-ar", "48000", "-"],
                         capture_output=True, timeout=60, check=True).stdout
    samples = list(struct.unpack(f"<{len(raw) // 2}h", raw))
    assert len(samples) > 6 * 48_000, len(samples)
    print(tag, "rms per half second:", [int(rms(samples[i:i + 24_000])) for i in range(0, len(samples), 24_000)])
    return rms(samples[-4 * 48_000:]), person.stderr


def test_echo_cancellation_keeps_the_far_side_from_hearing_itself(tmp_path, deadline):
    with linkup_serve() as server, room(tmp_path):
        without, _ = far_side_hears(server.url, tmp_path, "off", "--no-aec")
        with_aec, log = far_side_hears(server.url, tmp_path, "on")
    erle = 20 * math.log10(without / max(with_aec, 1))
    print(f"end to end: the far side hears its echo at rms {without:.0f} without and {with_aec:.0f} with echo "
          f"cancellation: {erle:.1f} dB less")
    assert without > 1000, without  # the room does echo: the far side hears itself without cancellation
    assert erle >= 20, erle
