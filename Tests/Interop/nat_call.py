"""A LinkUp call across the NAT lab: `linkup serve` on the public host, an echo bot behind one NAT and `linkup call`
behind the other, as a new user would run them (the call takes its STUN/TURN servers from the join ack).

    with NatLab(nat="symmetric") as lab:
        result = call_across(lab, ["--ice-server", "turn:203.0.113.10:3478?transport=udp",
                                   "--turn-secret", lab.turn_secret])
        assert "relay" in result.summary["transport"]
"""

import json
import subprocess
import threading
import time
from dataclasses import dataclass, field

from linkup_probe import linkup_binary

SERVE_PORT = 8080


@dataclass
class NatCall:
    """What a call across the lab left behind: the caller's JSON summary and exit code, both sides' logs."""
    returncode: int
    summary: dict | None
    call_log: str
    bot_log: str
    serve_log: str = ""
    extra: dict = field(default_factory=dict)

    def explain(self) -> str:
        return (f"call exit {self.returncode}\n--- call stderr ---\n{self.call_log[-4000:]}\n"
                f"--- bot stderr ---\n{self.bot_log[-4000:]}\n--- serve ---\n{self.serve_log[-2000:]}")

    @property
    def decoded_share(self) -> float:
        """Echoed video frames decoded by the caller, as a share of the frames it sent."""
        media = (self.summary or {}).get("media") or {}
        sent = media.get("videoFramesSent") or 0
        return (media.get("videoFramesDecoded") or 0) / sent if sent else 0.0


def call_across(lab, serve_args, call_args=(), bot_args=(), duration=5, bot_host="lan1", call_host="lan2",
                timeout=60, during=None) -> NatCall:
    """Starts `linkup serve SERVE_ARGS` on pub, `linkup bot --mode echo BOT_ARGS` on `bot_host`, runs
    `linkup call --to echo-bot --json CALL_ARGS` on `call_host` for `duration` seconds, and returns what happened.
    `during`, if given, runs in a thread once the call has been started (to break the network mid-call).
    Every process runs inside the lab and is ended by it."""
    binary = linkup_binary()
    server = f"http://{lab.addr('pub')}:{SERVE_PORT}"
    serve = lab.popen("pub", [binary, "serve", "--host", lab.addr("pub"), "--port", str(SERVE_PORT), *serve_args],
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lab.wait_for_port("pub", SERVE_PORT)
    bot = lab.popen(bot_host, [binary, "bot", "--server", server, "--room", "nat", "--mode", "echo",
                               "--name", "echo-bot", *bot_args],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    bot_log = _wait_for_line(bot, "waiting for calls", timeout=20)
    started = time.monotonic()
    if during is not None:
        threading.Thread(target=during, daemon=True).start()
    call = lab.run(call_host, [binary, "call", "--server", server, "--room", "nat", "--to", "echo-bot", "--json",
                               "--duration", str(duration), *call_args], timeout=timeout)
    summary = None
    for line in call.stdout.splitlines():
        try:
            summary = json.loads(line)
        except json.JSONDecodeError:
            continue
    bot.terminate()
    try:
        bot_log += bot.communicate(timeout=10)[1]
    except subprocess.TimeoutExpired:
        bot.kill()
    serve.terminate()
    try:
        serve_log = serve.communicate(timeout=10)[1]
    except subprocess.TimeoutExpired:
        serve.kill()
        serve_log = ""
    return NatCall(call.returncode, summary, call.stderr, bot_log, serve_log,
                   {"seconds": time.monotonic() - started})


def _wait_for_line(process, text, timeout):
    """Reads `process`'s stderr until a line contains `text` (bounded by `timeout`); returns what it read."""
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen += line
        if text in line:
            return seen
    raise AssertionError(f"no line with {text!r} within {timeout} s:\n{seen}")
