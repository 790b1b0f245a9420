"""Starts `linkup serve` for tests and wraps python-socketio clients that record the events they receive."""

import base64
import hashlib
import hmac
import json
import os
import queue
import signal
import subprocess
import time

import socketio

from linkup_probe import linkup_binary


def turn_rest_credential(secret: str, username: str) -> str:
    """The TURN REST password for `username` (coturn use-auth-secret): base64(HMAC-SHA1(secret, username))."""
    return base64.b64encode(hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()).decode()


class Server:
    """One `linkup serve --port 0 --json` process; `url` is where it listens."""

    def __init__(self, *arguments: str):
        self.process = subprocess.Popen(
            [linkup_binary(), "serve", "--port", "0", "--json", *arguments],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            raise AssertionError(f"linkup serve did not start: {self.process.stderr.read()}")
        self.address = json.loads(line)
        self.port = self.address["port"]
        scheme = "https" if str(self.address.get("url", "")).startswith("https:") else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"

    def stop(self, sig=signal.SIGINT, timeout: float = 10.0) -> int:
        """Sends `sig` and waits for the exit; kills the process if it does not exit in time."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("linkup serve did not stop in time")
        self.process.stdout.close()
        self.process.stderr.close()
        return self.process.returncode


class Peer:
    """A python-socketio client that queues every server event it gets as (name, payload)."""

    def __init__(self, url: str, transports=None, auth=None, name="peer", http_session=None):
        self.events = queue.Queue()
        options = {"http_session": http_session} if http_session is not None else {}
        self.client = socketio.Client(reconnection=False, handle_sigint=False, request_timeout=5, **options)
        self.client.on("*", lambda event, data=None: self.events.put((event, data)))
        auth = {"name": name} if auth is None else auth
        self.client.connect(url, transports=transports, auth=auth, wait_timeout=5)
        self.id = self.client.get_sid("/")

    def call(self, event: str, payload=None, timeout: float = 5.0):
        """Emits `event` and returns its acknowledgement."""
        return self.client.call(event, payload, timeout=timeout)

    def join(self, room: str, name: str):
        ack = self.call("join", {"room": room, "name": name})
        assert ack["ok"] is True, ack
        return ack

    def expect(self, event: str, timeout: float = 5.0, **fields):
        """The next event named `event` whose payload has `fields`; earlier non-matching events are dropped."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {event} {fields} within {timeout}s")
            try:
                name, data = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            if name == event and all(data.get(k) == v for k, v in fields.items()):
                return data

    def expect_nothing(self, seconds: float = 0.3):
        """No event arrives for `seconds`."""
        try:
            name, data = self.events.get(timeout=seconds)
        except queue.Empty:
            return
        raise AssertionError(f"unexpected event {name}: {data}")

    def transport(self) -> str:
        return self.client.transport()

    def close(self):
        try:
            self.client.disconnect()
        except Exception:  # noqa: BLE001 - teardown must not hide the test's own failure
            pass
