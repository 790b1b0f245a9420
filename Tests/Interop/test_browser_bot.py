"""Headless Chromium and LinkUp's own peer in one call, through `linkup serve`, all on loopback.

- Chromium's page calls `linkup bot --mode echo` and gets its fake camera and microphone back (getStats: frames
  decoded, audio samples received).
- `linkup call` calls the page, which auto-accepts; both sides receive: the page decodes LinkUp's test pattern and
  tone, the call's summary counts frames decoded from Chromium's fake camera.
- The page calls `linkup bot --mode record`; ffprobe decodes the IVF and Ogg files the bot wrote.

The pages run with `ice=loopback` (browser.py), and LinkUp binds 127.0.0.1 only (`--host 127.0.0.1`), so every
candidate and every media packet stays on loopback. Each test is bounded well under TEST_TIMEOUT.
"""

import json
import pathlib
import shutil
import signal
import subprocess
import time

import pytest

from browser import (assert_loopback_candidates, browser_factory, call, console_log, describe, hook,  # noqa: F401
                     media_stats, open_client, screenshot, wait_for, wait_for_remote_media, wait_for_state)
from linkup_call import call_command, linkup_bot
from linkup_probe import linkup_binary
from linkup_serve import linkup_serve, serve_unavailable

TEST_TIMEOUT = 60  # seconds

# ~1 s of the fake camera's 30 fps and 0.5 s of 48 kHz audio: the media flows.
MIN_FRAMES = 30
MIN_SAMPLES = 24_000


def call_unavailable() -> str | None:
    """Why `linkup call` and `linkup bot` cannot run here (a build before them), or None when they can."""
    reason = serve_unavailable()
    if reason:
        return reason
    for sub, needle in (("call", "--to"), ("bot", "--mode")):
        try:
            result = subprocess.run([linkup_binary(), sub, "--help"],
                                    capture_output=True, text=True, timeout=15)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"`linkup {sub} --help` failed: {error}"
        if result.returncode != 0 or needle not in result.stdout:
            return f"`linkup {sub}` is not available in this build (its --help has no {needle})"
    return None


pytestmark = pytest.mark.skipif(call_unavailable() is not None, reason=str(call_unavailable()))


@pytest.fixture(scope="module")
def server():
    with linkup_serve() as running:
        yield running


def call_bot_from_page(page, bot, expect_media: bool = True) -> dict:
    """The page calls `bot` and waits for media to arrive (or, for a bot that sends none, for the connection);
    returns the page's getStats numbers."""
    wait_for(page, f"linkup.peers.some(p => p.name === {json.dumps(bot.name)})", 10, what=f"{bot.name} in the room")
    call(page, bot.name)
    wait_for_state(page, "in-call", 20)
    if not expect_media:
        wait_for(page, "linkup.timing.connectedMs != null", 20, what="the call to connect")
        return media_stats(page)
    try:
        return wait_for_remote_media(page, MIN_FRAMES, MIN_SAMPLES, timeout=20)
    except AssertionError as error:
        raise AssertionError(f"{error}\nbot log:\n{''.join(bot.log)}\nconsole: {console_log(page)}") from None


def hang_up(page, bot) -> dict:
    """The page hangs up; returns the bot's JSON account of the call."""
    hook(page, "linkup.hangup()")
    wait_for_state(page, "idle", 10)
    return bot.wait_for_calls(1, timeout=15)[0]


def test_chromium_calls_echo_bot_and_gets_its_media_back(server, browser_factory, deadline):
    with linkup_bot(server.url, "browser-echo", "echo") as bot:
        page = open_client(browser_factory(), server.url, "browser-echo", "alice")
        stats = call_bot_from_page(page, bot)
        print(f"\npage: {assert_loopback_candidates(page, stats)}")
        assert stats["connectionState"] == "connected", stats
        assert stats["videoCodec"] == "VP8" and stats["audioCodec"] == "opus", stats
        # The echo is the fake camera's own 4:3 picture (640x480, unless Chromium scaled it down for CPU or
        # bandwidth).
        assert stats["frameWidth"] >= 320 and stats["frameWidth"] * 3 == stats["frameHeight"] * 4, stats
        wait_for(page, "linkup.timing.firstFrameMs !== null", 10)
        timing = hook(page, "linkup.timing")
        screenshot(page, "chromium-echo-bot")
        ended = hang_up(page, bot)
    echoed = ended["media"]
    print(f"page stats {stats}; timing {timing}; bot {echoed}")
    # The bot forwarded Chromium's packets back without decoding them; the page decoded them as its own video.
    assert echoed["mode"] == "forward", ended
    assert echoed["packetsForwarded"] >= 0.95 * echoed["packetsReceived"] > 100, ended
    assert stats["framesDecoded"] >= MIN_FRAMES, stats


def test_bot_restarts_ice_with_the_calling_page_and_media_goes_on(server, browser_factory, deadline):
    # The page called, so the bot's ICE restart is a new offer from the callee: the page must answer it.
    with linkup_bot(server.url, "browser-restart", "echo") as bot:
        page = open_client(browser_factory(), server.url, "browser-restart", "alice")
        before = call_bot_from_page(page, bot)
        ufrag_before = hook(page, "linkup.remoteIceUfrag")
        bot.process.send_signal(signal.SIGUSR1)
        deadline_at = time.monotonic() + 15
        while not any("answered our ICE restart" in line for line in bot.log) and time.monotonic() < deadline_at:
            time.sleep(0.1)
        assert any("answered our ICE restart" in line for line in bot.log), "".join(bot.log)
        ufrag_after = hook(page, "linkup.remoteIceUfrag")
        assert ufrag_after != ufrag_before, "the page did not take the bot's new ICE credentials"
        after = wait_for_remote_media(page, before["framesDecoded"] + MIN_FRAMES, 0, timeout=15)
        assert after["connectionState"] == "connected", after
        ended = hang_up(page, bot)
    assert ended["iceRestarts"] >= 1, ended


def test_linkup_call_calls_chromium_and_both_receive(server, browser_factory, deadline):
    page = open_client(browser_factory(), server.url, "browser-callee", "carol", autoaccept=True)
    process = subprocess.Popen(call_command(server.url, "browser-callee", "--name", "linkup-caller", "--to", "carol",
                                            "--duration", "5", "--wait", "10", "--json"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        try:
            wait_for_state(page, "in-call", 20)
            stats = wait_for_remote_media(page, MIN_FRAMES, MIN_SAMPLES, timeout=20)
            print(f"\npage: {assert_loopback_candidates(page, stats)}")
        except AssertionError as error:
            process.kill()
            out, err = process.communicate(timeout=10)
            raise AssertionError(f"{error}\nlinkup call: {out}{err}\nconsole: {console_log(page)}") from None
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
    assert process.returncode == 0, err
    summary = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    print(f"page stats {stats}; linkup call summary {summary}")
    assert stats["connectionState"] == "connected", stats
    # LinkUp's test pattern is 640x480.
    assert (stats["frameWidth"], stats["frameHeight"]) == (640, 480), stats
    assert summary["connected"], summary
    numbers = summary["media"]
    # Five seconds of Chromium's fake camera (30 fps, VP8) and microphone (Opus, 50 packets a second).
    assert numbers["videoFramesDecoded"] >= 60, numbers
    assert numbers["audioFramesReceived"] >= 100, numbers
    assert summary["firstFrameMs"] < 5000, summary
    # linkup call hung up at the end of its duration: the page went back to idle.
    wait_for_state(page, "idle", 10)


def test_chromium_calls_record_bot_and_ffprobe_decodes_the_files(server, browser_factory, deadline, tmp_path):
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe (Debian ffmpeg) is not installed")
    with linkup_bot(server.url, "browser-record", "record", extra=("--record", str(tmp_path))) as bot:
        page = open_client(browser_factory(), server.url, "browser-record", "dave")
        # A record bot only listens: nothing comes back to the page; its own outbound counters show it sends.
        call_bot_from_page(page, bot, expect_media=False)
        time.sleep(4)  # so the files hold a few seconds
        stats = media_stats(page)
        assert stats["bytesSent"] > 100_000 and stats["framesDecoded"] == 0, stats
        print(f"\npage: {assert_loopback_candidates(page, stats)}")
        ended = hang_up(page, bot)
    recording = ended["media"]["recording"]
    video, audio = pathlib.Path(recording["videoPath"]), pathlib.Path(recording["audioPath"])
    assert video.parent == tmp_path and audio.parent == tmp_path, recording
    v = probe(video, "v:0")
    assert v["codec_name"] == "vp8" and v["width"] >= 320 and v["width"] * 3 == v["height"] * 4, v
    frames = int(v["nb_read_frames"])
    assert frames == recording["videoFrames"] and frames >= MIN_FRAMES, (frames, recording)
    a = probe(audio, "a:0")
    packets = int(a["nb_read_frames"])
    assert a["codec_name"] == "opus" and packets >= 50, a
    print(f"\nrecorded {frames} VP8 frames {v['width']}x{v['height']} and {packets} Opus packets: {recording}")


def probe(path: pathlib.Path, stream: str) -> dict:
    """ffprobe's decoded view of one stream of a file (codec_name, width, height, nb_read_frames, ...)."""
    result = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", stream,
                             "-show_entries", "stream", "-of", "json", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    streams = json.loads(result.stdout)["streams"]
    assert len(streams) == 1, result.stdout
    return streams[0]
