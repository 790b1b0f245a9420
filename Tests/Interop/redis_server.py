"""Starts Debian's redis-server on a free loopback port for a test (no persistence), and always stops it."""

import contextlib
import shutil
import socket
import subprocess
import time

from processes import stop_process


def redis_unavailable() -> str | None:
    """Why no redis-server can be started here (make deps installs it), or None."""
    return None if shutil.which("redis-server") else "redis-server is not installed (make deps installs it)"


class RedisProcess:
    """A running redis-server: `url`, and `stop()` / `start()` to take it away and bring it back on its port."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}"
        self.process = None

    def start(self, timeout: float = 10):
        self.process = _start(self.port, timeout)

    def stop(self):
        stop_process(self.process)


@contextlib.contextmanager
def redis_process(timeout: float = 10):
    """Yields a RedisProcess on a free loopback port, started; stops it at the end."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    redis = RedisProcess(port)
    redis.start(timeout)
    try:
        yield redis
    finally:
        redis.stop()


@contextlib.contextmanager
def redis_server(timeout: float = 10):
    """Yields `redis://127.0.0.1:PORT` of a fresh redis-server; terminates it at the end."""
    with redis_process(timeout) as redis:
        yield redis.url


def _start(port: int, timeout: float) -> subprocess.Popen:
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
    except BaseException:
        stop_process(process)
        raise
    return process


