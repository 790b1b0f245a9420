"""Drives `linkup probe`, LinkUp's interop test peer, over its JSON-lines stdin/stdout protocol.

The probe prints its offer or answer as {"type": "offer"|"answer", "sdp": ...}, reads the remote description the
same way, then reports {"type": "connected", ...} and finally {"type": "stats", ...}. Its log goes to stderr.
"""

import asyncio
import json
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def linkup_binary() -> str:
    """The linkup executable `swift build` produced (LINKUP_BIN overrides)."""
    override = os.environ.get("LINKUP_BIN")
    if override:
        return override
    for candidate in (ROOT / ".build" / "debug" / "linkup", ROOT / ".build" / "release" / "linkup"):
        if candidate.exists():
            return str(candidate)
    raise FileNotFoundError("linkup is not built: run `swift build` first")


class Probe:
    """One `linkup probe` process."""

    def __init__(self, *arguments: str, prefix: tuple[str, ...] = ()):
        """`prefix` runs the probe through another command (`ip netns exec NS` puts it in a namespace)."""
        self.arguments = arguments
        self.prefix = prefix
        self.process = None
        self.messages = []

    async def start(self):
        self.process = await asyncio.create_subprocess_exec(
            *self.prefix, linkup_binary(), "probe", *self.arguments,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            limit=16 * 1024 * 1024)  # a --frame-timeline summary is one long line
        return self

    async def read(self, expected_type: str, timeout: float = 20.0) -> dict:
        """The next message of `expected_type` (earlier messages of other types are kept in `messages`)."""
        async def next_line():
            while True:
                line = await self.process.stdout.readline()
                if not line:
                    stderr = (await self.process.stderr.read()).decode(errors="replace")
                    raise AssertionError(f"linkup probe ended before sending {expected_type!r}; stderr:\n{stderr}")
                message = json.loads(line)
                self.messages.append(message)
                if message.get("type") == expected_type:
                    return message
                if message.get("type") == "error":
                    raise AssertionError(f"linkup probe reported an error: {message}")
        return await asyncio.wait_for(next_line(), timeout)

    async def send(self, message: dict):
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        await self.process.stdin.drain()

    async def finish(self, timeout: float = 20.0) -> int:
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except asyncio.TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError("linkup probe did not exit in time")
