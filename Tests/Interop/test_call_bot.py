"""`linkup call` into `linkup bot` (echo, record, play) through `linkup serve`, all on loopback."""

import json
import pathlib
import shutil
import signal
import subprocess
import time

import pytest

from linkup_call import call_command, linkup_bot, run_call
from linkup_serve import linkup_serve, serve_unavailable

pytestmark = pytest.mark.skipif(serve_unavailable() is not None, reason=str(serve_unavailable()))

DURATION = "4"


@pytest.fixture(scope="module")
def server():
    with linkup_serve() as running:
        yield running


def media(summary: dict) -> dict:
    assert summary is not None, "linkup call printed no JSON summary"
    assert summary["connected"], summary
    return summary["media"]


def test_echo_bot_sends_our_own_video_and_audio_back(server):
    with linkup_bot(server.url, "echo-room", "echo") as bot:
        status, summary, log = run_call(server.url, "echo-room", "--to", bot.name, "--duration", DURATION)
        assert status == 0, log
        numbers = media(summary)
        # 4 s of 30 fps video and 50 Opus frames a second go out and come back.
        assert numbers["videoFramesSent"] >= 100, numbers
        assert numbers["videoFramesDecoded"] >= 0.8 * numbers["videoFramesSent"], numbers
        assert numbers["audioFramesReceived"] >= 150, numbers
        # The echo is our own test pattern: matched frame by frame, and the round trip measured.
        assert numbers.get("psnrDb") is not None and numbers["psnrDb"] > 30, numbers
        assert numbers.get("latencyP50Ms") is not None and numbers["latencyP50Ms"] < 500, numbers
        assert summary["firstFrameMs"] < 5000, summary
        ended = bot.wait_for_calls(1)
        # The bot forwarded packets without decoding: about 30 video packets and 50 audio packets a second.
        echoed = ended[0]["media"]
        assert echoed["mode"] == "forward", ended
        assert echoed["packetsForwarded"] >= 0.95 * echoed["packetsReceived"] > 200, ended
        assert echoed["reportsSent"] >= 1, ended
        # Once a second while the call lasted, the bot reported its load.
        assert any(load["load"]["calls"] == 1 and load["load"]["packetsPerSecond"] > 0 for load in bot.loads), \
            bot.loads


def test_verifying_echo_bot_decodes_what_it_sends_back(server):
    with linkup_bot(server.url, "verify-room", "echo", extra=("--verify",)) as bot:
        status, summary, log = run_call(server.url, "verify-room", "--to", bot.name, "--duration", DURATION)
        assert status == 0, log
        numbers = media(summary)
        assert numbers["videoFramesDecoded"] >= 0.8 * numbers["videoFramesSent"], numbers
        assert numbers.get("psnrDb") is not None and numbers["psnrDb"] > 30, numbers
        ended = bot.wait_for_calls(1)
        assert ended[0]["media"]["videoFramesDecoded"] > 0, ended


def test_record_bot_writes_files_ffmpeg_decodes(server, tmp_path):
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe (Debian ffmpeg) is not installed")
    with linkup_bot(server.url, "record-room", "record", extra=("--record", str(tmp_path))) as bot:
        status, summary, log = run_call(server.url, "record-room", "--to", bot.name, "--duration", DURATION)
        assert status == 0, log
        sent = media(summary)["videoFramesSent"]
        ended = bot.wait_for_calls(1)[0]
    recording = ended["media"]["recording"]
    video, audio = pathlib.Path(recording["videoPath"]), pathlib.Path(recording["audioPath"])
    assert video.parent == tmp_path and audio.parent == tmp_path
    frames = count_frames(video, "v:0")
    packets = count_frames(audio, "a:0")
    assert frames == recording["videoFrames"], (frames, recording)
    assert frames >= 0.8 * sent, (frames, sent)
    assert packets >= 150, packets


def test_play_bot_sends_its_test_pattern(server):
    with linkup_bot(server.url, "play-room", "play") as bot:
        status, summary, log = run_call(server.url, "play-room", "--to", bot.name, "--duration", DURATION,
                                        "--video", "none", "--audio", "none")
        assert status == 0, log
        numbers = media(summary)
        assert numbers["videoFramesSent"] == 0
        assert numbers["videoFramesDecoded"] >= 90, numbers
        assert numbers.get("psnrDb") is not None and numbers["psnrDb"] > 30, numbers
        assert numbers["audioFramesReceived"] >= 150, numbers


def test_call_answers_another_call(server):
    callee = subprocess.Popen(call_command(server.url, "pair-room", "--name", "callee", "--answer", "--json",
                                           "--duration", "3", "--wait", "30"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status, summary, log = run_call(server.url, "pair-room", "--name", "caller", "--to", "callee",
                                        "--duration", "3", "--wait", "20")
        out, err = callee.communicate(timeout=30)
    finally:
        if callee.poll() is None:
            callee.kill()
    assert status == 0, log
    assert callee.returncode == 0, err
    answered = json.loads(out.strip().splitlines()[-1])
    for side in (summary, answered):
        assert media(side)["videoFramesDecoded"] >= 50, side


def test_calling_nobody_fails_with_a_sentence(server):
    status, summary, log = run_call(server.url, "empty-room", "--to", "ghost", "--wait", "1", timeout=30)
    assert status == 1
    assert 'nobody named "ghost"' in log, log
    assert summary is not None and not summary["connected"] and 'nobody named "ghost"' in summary["endReason"], summary


def count_frames(path: pathlib.Path, stream: str) -> int:
    """Frames (or packets) ffprobe decodes from `stream` of `path`."""
    result = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", stream,
                             "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip())


def test_echo_bot_holds_several_calls_at_once(server):
    with linkup_bot(server.url, "busy-room", "echo") as bot:
        callers = [subprocess.Popen(call_command(server.url, "busy-room", "--name", f"caller-{index}", "--to", bot.name,
                                                 "--duration", "4", "--video", "testsrc:320x240@15", "--json"),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for index in range(3)]
        try:
            outputs = [caller.communicate(timeout=60) for caller in callers]
        finally:
            for caller in callers:
                if caller.poll() is None:
                    caller.kill()
        for caller, (out, err) in zip(callers, outputs):
            assert caller.returncode == 0, err
            numbers = media(json.loads(out.strip().splitlines()[-1]))
            assert numbers["videoFramesDecoded"] >= 0.8 * numbers["videoFramesSent"] > 0, numbers
        ended = bot.wait_for_calls(3)
        assert sorted(call["remote"] for call in ended) == ["caller-0", "caller-1", "caller-2"]


def test_interrupted_record_bot_hangs_up_and_finishes_its_files(server, tmp_path):
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe (Debian ffmpeg) is not installed")
    with linkup_bot(server.url, "stop-room", "record", extra=("--record", str(tmp_path))) as bot:
        caller = subprocess.Popen(call_command(server.url, "stop-room", "--to", bot.name, "--duration", "30", "--json"),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 20
            while not any("started" in line for line in bot.log) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(2)
            bot.process.send_signal(signal.SIGINT)
            assert bot.process.wait(timeout=15) == 0, "".join(bot.log)
            out, err = caller.communicate(timeout=20)
        finally:
            if caller.poll() is None:
                caller.kill()
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["endReason"] == "the other side hung up", summary
    recording = bot.calls[0]["media"]["recording"]
    assert count_frames(pathlib.Path(recording["videoPath"]), "v:0") == recording["videoFrames"] > 30


def test_microphone_source_reaches_a_record_bot(server, tmp_path):
    """`--audio alsa:null`: ALSA's null capture device (silence, paced to real time by LinkUp) through Opus."""
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe (Debian ffmpeg) is not installed")
    with linkup_bot(server.url, "mic-room", "record", extra=("--record", str(tmp_path))) as bot:
        status, summary, log = run_call(server.url, "mic-room", "--to", bot.name, "--duration", "3",
                                        "--video", "none", "--audio", "alsa:null")
        assert status == 0, log
        sent = media(summary)["audioFramesSent"]
        assert 100 <= sent <= 200, summary  # 50 frames a second for 3 s: paced, neither starved nor flooded
        ended = bot.wait_for_calls(1)[0]
    recording = ended["media"]["recording"]
    assert count_frames(pathlib.Path(recording["audioPath"]), "a:0") >= 0.9 * sent, recording


def test_missing_camera_or_file_fails_before_calling(server):
    for arguments, sentence in ((("--video", "v4l2:/dev/linkup-no-camera"), "/dev/linkup-no-camera does not exist"),
                                (("--video", "file:/nonexistent.ivf"), "no such readable file")):
        status, summary, log = run_call(server.url, "bad-room", *arguments, timeout=30)
        assert status == 1, log
        assert sentence in log, log


def test_a_large_signaling_message_does_not_drop_the_bots_connection(server):
    """A relayed message bigger than WSClient's default 16 KiB frame limit (a 60 kB offer here; a join
    acknowledgement listing hundreds of participants in real life) reaches `linkup bot` without closing its
    WebSocket: the bot refuses the offer (it is not SDP) but neither reconnects nor misses the call that follows."""
    from signaling_raw import RawSocket

    with linkup_bot(server.url, "big-room", "echo") as bot:
        sender = RawSocket(server.url)
        try:
            sender.connect({})
            joined = sender.call("join", {"room": "big-room", "name": "talker"})
            bot_id = next(peer["id"] for peer in joined["peers"] if peer["name"] == bot.name)
            assert sender.call("offer", {"to": bot_id, "sdp": "v=0\r\n" + "a=x\r\n" * 12_000}).get("ok")
            time.sleep(0.5)
        finally:
            sender.close()
        status, summary, log = run_call(server.url, "big-room", "--to", bot.name, "--duration", "2")
        assert status == 0, log
        assert media(summary)["videoFramesDecoded"] > 0, summary
        lost = [line for line in bot.log if "connection lost" in line or "reconnect" in line]
        assert not lost, "".join(bot.log)
