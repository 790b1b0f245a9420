"""Call set-up time through the signaling server: from placing the call to the first remote video frame decoded,
median and p90 of N calls into one echo bot, all on loopback.

- LinkUp -> bot: `linkup call --to echo-bot --json`, its `firstFrameMs` (from sending `call` to the first echoed
  frame decoded: signaling round trips, offer/answer, ICE, DTLS, the first keyframe there and back).
- Chromium -> bot: the web client in headless Chromium calls the bot; `window.linkup.timing.firstFrameMs` (from
  pressing Call to the first remote frame presented; it includes opening the fake camera and microphone).

Starts `linkup serve` and `linkup bot --mode echo` itself. Run from the repository root after
`swift build -c release` (or set LINKUP_BIN):  .venv/bin/python Benchmarks/call_setup.py [N]
"""

import contextlib
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "Interop"))

# Importing conftest moves this process (and so the server, the bot and Chromium) into a network namespace of its
# own with nothing but loopback, as the interop tests run (see Tests/Interop/conftest.py).
from conftest import NETWORK_NAMESPACE  # noqa: E402
from browser import (call, call_timing, chromium, chromium_available, hook, open_client, wait_for,  # noqa: E402
                     wait_for_state)
from linkup_call import linkup_bot, run_call  # noqa: E402
from linkup_serve import linkup_serve  # noqa: E402

ROOM = "bench-setup"


def linkup_calls(server_url: str, bot, count: int) -> tuple[list[float], list[float]]:
    """(call -> first frame, call -> connected) of `count` calls, in milliseconds."""
    samples, connected = [], []
    for index in range(count):
        status, summary, log = run_call(server_url, ROOM, "--name", f"bench-{index}", "--to", bot.name,
                                        "--duration", "1", "--wait", "10", timeout=60)
        if status != 0 or not summary or summary.get("firstFrameMs") is None:
            raise SystemExit(f"linkup call {index} failed ({status}): {summary} {log}")
        samples.append(summary["firstFrameMs"])
        connected.append(summary["connectMs"])
        bot.wait_for_calls(index + 1, timeout=15)
    return samples, connected


def chromium_calls(server_url: str, bot, count: int, ended_before: int) -> tuple[list[float], list[float]]:
    """(Call -> first frame, Call -> connected) of `count` calls, in milliseconds."""
    samples, connected = [], []
    with chromium() as driver:
        page = open_client(driver, server_url, ROOM, "bench-chromium")
        wait_for(page, f"linkup.peers.some(p => p.name === '{bot.name}')", 10)
        for index in range(count):
            call(page, bot.name)
            wait_for(page, "linkup.timing && linkup.timing.firstFrameMs !== null", 30,
                     what=f"the first frame of call {index}")
            timing = call_timing(page)
            samples.append(timing["firstFrameMs"])
            connected.append(timing["connectedMs"])
            hook(page, "linkup.hangup()")
            wait_for_state(page, "idle", 10)
            # The bot has ended the call too before the next one starts.
            bot.wait_for_calls(ended_before + index + 1, timeout=15)
    return samples, connected


def summarize(name: str, measured: tuple[list[float], list[float]]) -> None:
    samples, connected = measured
    print(f"{name} samples in call order (ms): {', '.join(f'{x:.0f}' for x in samples)}", flush=True)
    samples = sorted(samples)
    p90 = samples[max(0, int(round(0.9 * len(samples))) - 1)]
    print(f"{name:<28} n={len(samples):<3} median {statistics.median(samples):7.1f} ms   p90 {p90:7.1f} ms   "
          f"min {samples[0]:6.1f}   max {samples[-1]:6.1f}   (call -> connected: median "
          f"{statistics.median(connected):.1f} ms)", flush=True)


def main(count: int) -> None:
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(linkup_serve())
        bot = stack.enter_context(linkup_bot(server.url, ROOM, "echo", name="echo-bot"))
        print(f"call -> first remote video frame decoded, {count} calls each, into `linkup bot --mode echo` "
              f"through `linkup serve` on loopback; network namespace: {NETWORK_NAMESPACE}", flush=True)
        summarize("LinkUp -> bot", linkup_calls(server.url, bot, count))
        reason = chromium_available()
        if reason:
            print(f"Chromium -> bot               skipped: {reason}")
            return
        time.sleep(0.2)
        summarize("Chromium -> bot", chromium_calls(server.url, bot, count, ended_before=count))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
