"""Runs `linkup serve` on a free loopback port for a test, and always stops it.

    with linkup_serve(token="s3cret") as server:
        server.url          # "http://127.0.0.1:PORT"

The server is told `--host 127.0.0.1 --port 0` and prints the address it bound; that line is parsed for the port.
LINKUP_SERVE_COMMAND (a shell-style command line) replaces `linkup serve` by another server speaking PROTOCOL.md,
which is how the web client can be exercised before `linkup serve` exists; it gets the same arguments.
"""

import contextlib
import os
import queue
import re
import shlex
import socket
import subprocess
import threading
import time

from linkup_probe import linkup_binary
from processes import stop_process

ADDRESS = re.compile(r"https?://(?:127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0):(\d+)|\bport\D{0,3}(\d{2,5})\b",
                     re.IGNORECASE)


def serve_command() -> list[str]:
    """The command that starts the signaling server, without its arguments."""
    override = os.environ.get("LINKUP_SERVE_COMMAND")
    if override:
        return shlex.split(override)
    return [linkup_binary(), "serve"]


def serve_unavailable() -> str | None:
    """Why no signaling server can be started here, or None when one can."""
    try:
        command = serve_command()
    except FileNotFoundError as error:
        return str(error)
    if os.environ.get("LINKUP_SERVE_COMMAND"):
        return None
    try:
        result = subprocess.run(command + ["--help"], capture_output=True, text=True, timeout=15)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"`linkup serve --help` failed: {error}"
    # A placeholder `serve` (before issue #5) has a help text without --port.
    if result.returncode != 0 or "--port" not in result.stdout:
        return "`linkup serve` is not available in this build (its --help has no --port)"
    return None


class Server:
    """A running signaling server process."""

    def __init__(self, process: subprocess.Popen, port: int, output: list[str]):
        self.process = process
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.output = output


@contextlib.contextmanager
def linkup_serve(token: str | None = None, extra: tuple[str, ...] = (), port: int = 0, timeout: float = 20):
    """Starts the server on 127.0.0.1 (`port` 0: the OS chooses); yields a Server; terminates (then kills) it."""
    arguments = ["--host", "127.0.0.1", "--port", str(port), *extra]
    if token is not None:
        arguments += ["--token", token]
    process = subprocess.Popen(serve_command() + arguments, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, text=True, bufsize=1)
    lines: queue.Queue = queue.Queue()
    output: list[str] = []

    def pump():
        for line in process.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        port = None
        deadline = time.monotonic() + timeout
        while port is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"the signaling server printed no port in {timeout} s: {''.join(output)}")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"the signaling server exited ({process.wait()}): {''.join(output)}")
            match = ADDRESS.search(line)
            if match:
                port = int(match.group(1) or match.group(2))
        wait_listening(port, deadline)
        yield Server(process, port, output)
    finally:
        stop_process(process)


def free_port() -> int:
    """A loopback TCP port that was free a moment ago (for restarting a server on the same port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, deadline: float):
    """Waits until 127.0.0.1:port accepts a TCP connection."""
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing listens on 127.0.0.1:{port}")
            time.sleep(0.05)
