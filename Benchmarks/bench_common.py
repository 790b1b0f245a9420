"""Helpers shared by the set-up benchmarks: loopback-only candidates, percentiles, the Pion answerer's binary, and a
driver for peers that speak JSON lines on stdin/stdout (`linkup probe`, Benchmarks/pion_peer) with trickled candidate
lines forwarded between them.

Importing this module puts Tests/Interop on sys.path (for linkup_probe, netlab, aiortc_loopback).
"""

import asyncio
import json
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "Interop"))

from linkup_probe import linkup_binary  # noqa: E402,F401  (re-exported for the benchmarks)

LOOPBACK = "127.0.0.1"


def loopback_only(sdp):
    """`sdp` without the a=candidate lines of any address but 127.0.0.1."""
    lines = [line for line in sdp.splitlines() if not line.startswith("a=candidate:") or f" {LOOPBACK} " in line]
    return "\r\n".join(lines) + "\r\n"


def is_loopback_candidate(message):
    """Whether a trickled {"type": "candidate"} line is kept on loopback: 127.0.0.1 candidates and end-of-candidates
    (a null candidate) pass, others do not."""
    candidate = message.get("candidate")
    return not candidate or f" {LOOPBACK} " in candidate


def p90(samples):
    """The 90th percentile as the benchmarks have always reported it: the sample at rank round(0.9 n)."""
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.9 * len(ordered))) - 1)]


def describe(samples, unit="ms"):
    """"median X ms, p90 Y ms" (or "no samples")."""
    if not samples:
        return "no samples"
    return f"median {statistics.median(samples):.1f} {unit}, p90 {p90(samples):.1f} {unit}"


def summarize(name, samples):
    """One line: n, median, p90, min, max (milliseconds)."""
    samples = sorted(samples)
    print(f"{name:<28} n={len(samples):<3} median {statistics.median(samples):7.1f} ms   p90 {p90(samples):7.1f} ms   "
          f"min {samples[0]:6.1f}   max {samples[-1]:6.1f}")


def print_table(header, rows):
    """A plain text table, columns as wide as their widest cell."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for index, row in enumerate([header, *rows]):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))


def pion_peer_binary():
    """The Pion answerer (Benchmarks/pion_peer): PION_PEER if set, else built (offline, GOPATH mode, against
    Debian's golang-github-pion-webrtc.v3-dev) into .build-bench/pion_peer by Benchmarks/pion_peer/build.sh."""
    override = os.environ.get("PION_PEER")
    if override:
        return override
    build = subprocess.run([str(ROOT / "Benchmarks" / "pion_peer" / "build.sh")], capture_output=True, text=True)
    if build.returncode != 0:
        raise SystemExit(f"building Benchmarks/pion_peer failed:\n{build.stdout}{build.stderr}")
    return str(ROOT / ".build-bench" / "pion_peer")


class PeerFailed(Exception):
    """A peer reported an error, exited, or did not say what was expected in time; the message says which."""


class LinePeer:
    """One process that speaks JSON lines: messages on stdout, commands on stdin, a log on stderr.

    Every stdout and stderr line is kept with the monotonic time it arrived. Candidate lines go to `on_candidate`
    (set it before the other side needs them; they queue until then); every other message queues for `expect`.
    The process runs in a session of its own; `close` ends it (bye, then end of input, then SIGKILL to its group).
    """

    def __init__(self, name, argv, env=None):
        self.name = name
        self.argv = [str(part) for part in argv]
        self.env = env
        self.process = None
        self.started = None
        self.lines = []          # (time, message) for every stdout line
        self.stderr = []         # (time, text) for every stderr line
        self.on_candidate = None
        self._candidates = []
        self._inbox = asyncio.Queue()
        self._tasks = []

    async def start(self):
        self.started = time.monotonic()
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self.env, start_new_session=True)
        self._tasks = [asyncio.create_task(self._read_stdout()), asyncio.create_task(self._read_stderr())]
        return self

    async def forward_candidates(self, handler):
        """Sends every candidate line to `handler` (a coroutine function) from now on, the ones held so far first,
        in the order the process printed them (end-of-candidates must not overtake a candidate)."""
        while self._candidates:
            await handler(self._candidates.pop(0))
        self.on_candidate = handler  # no await since the list was found empty: nothing can slip in between

    async def _read_stdout(self):
        while line := await self.process.stdout.readline():
            now = time.monotonic()
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                self.stderr.append((now, f"(stdout, not JSON) {line.decode(errors='replace').rstrip()}"))
                continue
            self.lines.append((now, message))
            if message.get("type") == "candidate":
                if self.on_candidate:
                    await self.on_candidate(message)
                else:
                    self._candidates.append(message)
            else:
                self._inbox.put_nowait((now, message))
        self._inbox.put_nowait((time.monotonic(), None))

    async def _read_stderr(self):
        while line := await self.process.stderr.readline():
            self.stderr.append((time.monotonic(), line.decode(errors="replace").rstrip()))

    async def expect(self, kind, timeout=30.0):
        """(arrival time, message) of the next message of type `kind`; PeerFailed on an error message, the end of
        output or the time-out."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                arrived, message = await asyncio.wait_for(self._inbox.get(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                raise PeerFailed(f"{self.name}: no {kind!r} within {timeout:.0f} s") from None
            if message is None:
                self._inbox.put_nowait((arrived, None))
                await asyncio.sleep(0.1)  # let the last stderr lines in
                raise PeerFailed(f"{self.name} exited (status {self.process.returncode}) before {kind!r}: "
                                 f"{self.stderr_tail(3)}")
            if message.get("type") == kind:
                return arrived, message
            if message.get("type") == "error":
                raise PeerFailed(f"{self.name}: {message.get('message')}")

    async def send(self, message):
        """Writes one line to the process; quietly nothing once it has gone."""
        if self.process.returncode is not None or self.process.stdin.is_closing():
            return
        try:
            self.process.stdin.write((json.dumps(message) + "\n").encode())
            await self.process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            pass

    async def close(self, timeout=5.0):
        """Says bye, closes stdin, waits up to `timeout` for the exit, then kills the process group."""
        if self.process is None:
            return
        if self.process.returncode is None:
            await self.send({"type": "bye"})
            try:
                self.process.stdin.close()
            except (BrokenPipeError, ConnectionResetError):
                pass
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except asyncio.TimeoutError:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                await self.process.wait()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def stderr_tail(self, count=5):
        return " | ".join(text for _, text in self.stderr[-count:])

    def timeline(self, origin):
        """stderr and stdout lines as "+ms text", relative to `origin` (a monotonic time), in arrival order."""
        events = [(t, text) for t, text in self.stderr]
        events += [(t, f"<stdout> {m.get('type')}" + (f" {m.get('candidate')}" if m.get("type") == "candidate" else ""))
                   for t, m in self.lines]
        return [f"{(t - origin) * 1000:8.1f} ms  {self.name}: {text}" for t, text in sorted(events)]
