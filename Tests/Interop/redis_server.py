"""Starts Debian's redis-server on a free loopback port for a test (no persistence), and always stops it."""

import contextlib
import shutil
import socket
import subprocess
import time


def redis_unavailable() -> str | None:
    """Why no redis-server can be started here (make deps installs it), or None."""
    return None if shutil.which("redis-server") else "redis-server is not installed (make deps installs it)"


@contextlib.contextmanager
def redis_server(timeout: float = 10):
    """Yields `redis://127.0.0.1:PORT` of a fresh redis-server; terminates it at the end."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--protected-mode", "yes"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
