"""Chat and files over data channels: `linkup call` into `linkup bot` through `linkup serve`, all on loopback.

The protocol is the web client's (datachannel.js): the caller's "chat" channel of text lines, a "file" channel per
file (JSON header, 16 KiB chunks, end, the receiver's SHA-256 verdict).
"""

import hashlib
import os
import pathlib
import subprocess
import time

import pytest

from linkup_call import call_command, linkup_bot, run_call
from linkup_serve import linkup_serve, serve_unavailable

pytestmark = pytest.mark.skipif(serve_unavailable() is not None, reason=str(serve_unavailable()))

# No camera picture or tone: these tests are about the data channels (and the box has two cores).
NO_MEDIA = ("--video", "none", "--audio", "none")


@pytest.fixture(scope="module")
def server():
    with linkup_serve() as running:
        yield running


def random_file(path: pathlib.Path, size: int) -> str:
    data = os.urandom(size)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def sha256_of(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def leftovers(directory: pathlib.Path) -> list[str]:
    """Hidden (temporary) files left in the directory."""
    return [entry.name for entry in directory.iterdir() if entry.name.startswith(".")]


def test_chat_lines_piped_on_stdin_come_back_from_the_echo_bot(server):
    with linkup_bot(server.url, "chat-room", "echo") as bot:
        result = subprocess.run(
            call_command(server.url, "chat-room", "--to", bot.name, "--duration", "4", *NO_MEDIA),
            input="hello there\nsecond line\n\nünïcode ✓\n", capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        for text in ("hello there", "second line", "ünïcode ✓"):
            assert f"{bot.name}: {text}" in lines, result.stdout + result.stderr
        # Empty lines are not sent; the summary counts three lines each way.
        assert "chat lines 3 sent, 3 received" in result.stdout, result.stdout


def test_ten_megabytes_reach_the_record_bot_intact(server, tmp_path):
    source = tmp_path / "send" / "big file.bin"
    source.parent.mkdir()
    digest = random_file(source, 10 * 1024 * 1024)
    received = tmp_path / "received"
    with linkup_bot(server.url, "file-room", "record", extra=("--record", str(received))) as bot:
        started = time.monotonic()
        # --duration 1: the transfer usually outlasts it, and the call waits for it (--transfer-grace).
        status, summary, log = run_call(server.url, "file-room", "--to", bot.name, "--duration", "1",
                                        "--send-file", str(source), *NO_MEDIA, timeout=60)
        elapsed = time.monotonic() - started
        assert status == 0, log
        files = summary["data"]["files"]
        assert len(files) == 1 and files[0]["ok"] and files[0]["verdict"] == "verified", summary["data"]
        assert files[0]["bytes"] == 10 * 1024 * 1024
        print(f"10 MiB call -> record bot: {files[0]['bytesPerSecond'] / 1e6:.2f} MB/s over "
              f"{files[0]['seconds']:.1f} s (call {elapsed:.1f} s)")
        bot.wait_for_calls(1)
    saved = received / "big file.bin"
    assert saved.exists(), sorted(entry.name for entry in received.iterdir())
    assert sha256_of(saved) == digest
    assert leftovers(received) == []
    assert any("verified" in line and "big file.bin" in line for line in bot.log), "".join(bot.log)


def test_a_transfer_cut_off_leaves_no_file(server, tmp_path):
    """The caller hangs up mid-transfer (--duration passes, no grace): the bot deletes what it had written."""
    source = tmp_path / "huge.bin"
    random_file(source, 96 * 1024 * 1024)
    received = tmp_path / "received"
    with linkup_bot(server.url, "cut-room", "record", extra=("--record", str(received))) as bot:
        status, summary, log = run_call(server.url, "cut-room", "--to", bot.name, "--duration", "3",
                                        "--transfer-grace", "0", "--send-file", str(source), *NO_MEDIA, timeout=60)
        assert status == 0, log
        files = summary["data"]["files"]
        assert len(files) == 1 and not files[0]["ok"], summary["data"]
        assert files[0]["verdict"].startswith("cut off"), files[0]
        assert 0 < files[0]["bytes"] < files[0]["size"], files[0]
        bot.wait_for_calls(1)
        assert any('receiving "huge.bin"' in line for line in bot.log), "".join(bot.log)
        assert any("cut off" in line and "huge.bin" in line for line in bot.log), "".join(bot.log)
    assert not (received / "huge.bin").exists()
    assert leftovers(received) == [], leftovers(received)


def test_two_calls_chat_both_ways_and_files_get_safe_unique_names(server, tmp_path):
    """`linkup call --answer --receive-dir` takes files from another `linkup call`: a hidden name is made
    visible, a name already taken gets " (1)"; chat goes both ways."""
    source = tmp_path / ".secret..bin"
    digest = random_file(source, 300_000)
    received = tmp_path / "inbox"
    answerer = subprocess.Popen(
        call_command(server.url, "pair-room", "--name", "alice", "--answer", "--receive-dir", str(received),
                     "--duration", "4", *NO_MEDIA),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        answerer.stdin.write("hi from alice\n")
        answerer.stdin.flush()
        time.sleep(1.5)  # joined and waiting
        caller = subprocess.run(
            call_command(server.url, "pair-room", "--name", "bob", "--to", "alice", "--duration", "3",
                         "--send-file", str(source), "--send-file", str(source), *NO_MEDIA),
            input="hello alice\n", capture_output=True, text=True, timeout=60)
        out, err = answerer.communicate(timeout=60)
    finally:
        if answerer.poll() is None:
            answerer.kill()
            answerer.wait()
    assert caller.returncode == 0, caller.stderr
    assert answerer.returncode == 0, err
    assert "alice: hi from alice" in caller.stdout.splitlines(), caller.stdout + caller.stderr
    assert "bob: hello alice" in out.splitlines(), out + err
    names = sorted(entry.name for entry in received.iterdir())
    assert names == ["secret. (1).bin", "secret..bin"], names
    for name in names:
        assert sha256_of(received / name) == digest
    assert caller.stdout.count("verified") == 2, caller.stdout


def test_a_call_without_receive_dir_refuses_files(server, tmp_path):
    source = tmp_path / "unwanted.bin"
    random_file(source, 2_000_000)
    answerer = subprocess.Popen(
        call_command(server.url, "refuse-room", "--name", "erin", "--answer", "--duration", "3", "--json",
                     *NO_MEDIA),
        cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)  # joined and waiting
        status, summary, log = run_call(server.url, "refuse-room", "--to", "erin", "--duration", "2",
                                        "--send-file", str(source), *NO_MEDIA)
        out, err = answerer.communicate(timeout=60)
    finally:
        if answerer.poll() is None:
            answerer.kill()
            answerer.wait()
    assert status == 0, log
    files = summary["data"]["files"]
    assert len(files) == 1 and not files[0]["ok"] and files[0]["verdict"].startswith("refused"), files
    assert "refused the file \"unwanted.bin\"" in err and "--receive-dir" in err, err
    # Nothing was written anywhere near the answerer (its working directory holds only the source).
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["unwanted.bin"]
