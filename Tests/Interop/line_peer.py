"""A peer process that speaks JSON lines on stdin/stdout (`linkup probe`, aiortc_peer.py), started inside a NAT lab
namespace, with its output read on threads so a test can wait for a message type with a bound and relay trickled
candidates to the other side as they come.

    probe = LinePeer(lab.popen("lan1", [linkup, "probe", ...], **LinePeer.PIPES), "linkup probe")
    other = LinePeer(lab.popen("lan2", [python, "aiortc_peer.py", ...], **LinePeer.PIPES), "aiortc")
    probe.forward_candidates_to(other)
    other.send(probe.read("offer"))
"""

import json
import queue
import subprocess
import threading
import time


class LinePeer:
    """One JSON-lines peer process: `read(type)` waits for the next message of a type, `send(message)` writes one."""

    PIPES = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True,
             "bufsize": 1}

    def __init__(self, process: subprocess.Popen, name: str):
        self.process = process
        self.name = name
        self.messages: list[dict] = []
        self.log: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        self._forward: "LinePeer | None" = None
        self._lock = threading.Lock()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def forward_candidates_to(self, other: "LinePeer"):
        """Sends every `candidate` message this peer prints (now and from now on) to `other`."""
        with self._lock:
            self._forward = other
            earlier = [message for message in self.messages if message.get("type") == "candidate"]
        for message in earlier:
            other.send(message)

    def _read_stdout(self):
        for line in self.process.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                self.log.append(f"(stdout) {line}\n")
                continue
            with self._lock:
                self.messages.append(message)
                forward = self._forward
            if forward is not None and message.get("type") == "candidate":
                forward.send(message)
            self._queue.put(message)
        self._queue.put(None)

    def _read_stderr(self):
        for line in self.process.stderr:
            self.log.append(line)

    def read(self, kind: str, timeout: float = 20) -> dict:
        """The next message of type `kind` (others are skipped but kept in `messages`); fails on an `error` message,
        on the end of output, or after `timeout` seconds, with the process's log."""
        return self.read_where(lambda message: message.get("type") == kind, timeout, repr(kind))

    def read_where(self, accept, timeout: float = 20, what: str = "the message") -> dict:
        """The next message for which `accept(message)` is true, as `read` does for a type."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{self.name}: no {what} within {timeout} s\n{self.explain()}")
            try:
                message = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if message is None:
                self._queue.put(None)
                raise AssertionError(f"{self.name} ended before {what} (exit {self.process.poll()})\n"
                                     f"{self.explain()}")
            if accept(message):
                return message
            if message.get("type") == "error":
                raise AssertionError(f"{self.name} reported an error: {message}\n{self.explain()}")

    def wait_for_log(self, text: str, timeout: float = 20):
        """Waits (bounded) until a line of the process's stderr contains `text`."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in list(self.log)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no line with {text!r} within {timeout} s "
                                     f"(exit {self.process.poll()})\n{self.explain()}")
            time.sleep(0.05)

    def send(self, message: dict):
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass  # it has exited; its read() says so with its log

    def finish(self, timeout: float = 10) -> int:
        """Waits for the process to exit (kills it after `timeout`); returns its exit status."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
            raise AssertionError(f"{self.name} did not exit within {timeout} s\n{self.explain()}")

    def explain(self) -> str:
        return f"--- {self.name} stderr ---\n{''.join(self.log)[-4000:]}"
