"""Runs `linkup bot` and `linkup call` processes against a signaling server, for pytest.

    with linkup_bot(server.url, "room", "echo") as bot:       # always stops it (SIGINT, then kill)
        result = run_call(server.url, "room", to=bot.name, duration=3)   # the call's JSON summary

Media binds 127.0.0.1 only (`--host 127.0.0.1`), so every datagram stays on loopback.
"""

import contextlib
import json
import queue
import signal
import subprocess
import threading
import time

from linkup_probe import linkup_binary


class Bot:
    """A running `linkup bot`: its name, its stderr lines, and the JSON lines it printed for ended calls."""

    def __init__(self, process: subprocess.Popen, name: str):
        self.process = process
        self.name = name
        self.log: list[str] = []
        self.calls: list[dict] = []
        self.loads: list[dict] = []
        self.ready = threading.Event()

    def wait_for_calls(self, count: int, timeout: float = 15) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.calls) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.calls) >= count, f"the bot reported {len(self.calls)} ended calls: {''.join(self.log)}"
        return self.calls


@contextlib.contextmanager
def linkup_bot(server_url: str, room: str, mode: str, name: str | None = None, extra: tuple[str, ...] = ()):
    """Starts a bot in `room` and waits until it has joined; stops it with SIGINT (then kills) at the end."""
    name = name or f"{mode}-bot"
    command = [linkup_binary(), "bot", "--server", server_url, "--room", room, "--name", name, "--mode", mode,
               "--host", "127.0.0.1", "--json", *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               text=True, bufsize=1)
    bot = Bot(process, name)

    def read_stderr():
        for line in process.stderr:
            bot.log.append(line)
            if "waiting for calls" in line:
                bot.ready.set()

    def read_stdout():
        for line in process.stdout:
            line = line.strip()
            if line.startswith("{"):
                message = json.loads(line)
                # Load reports ({"load": ...}) come every second during calls; ended calls carry "remote".
                (bot.loads if "load" in message else bot.calls).append(message)

    threading.Thread(target=read_stderr, daemon=True).start()
    threading.Thread(target=read_stdout, daemon=True).start()
    try:
        if not bot.ready.wait(20):
            raise AssertionError(f"the bot did not join within 20 s: {''.join(bot.log)}")
        yield bot
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def call_command(server_url: str, room: str, *arguments: str) -> list[str]:
    return [linkup_binary(), "call", "--server", server_url, "--room", room, "--host", "127.0.0.1", *arguments]


def run_call(server_url: str, room: str, *arguments: str, timeout: float = 60) -> tuple[int, dict | None, str]:
    """Runs `linkup call ... --json` to the end: (exit status, the JSON summary or None, stderr)."""
    result = subprocess.run(call_command(server_url, room, "--json", *arguments), capture_output=True, text=True,
                            timeout=timeout, stdin=subprocess.DEVNULL)
    summary = None
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            summary = json.loads(line)
    return result.returncode, summary, result.stderr
