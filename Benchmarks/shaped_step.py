"""A 60-second one-way video call across a real link that steps 2 -> 0.5 -> 2 Mbit/s (at 20 s and 40 s), run
LinkUp -> LinkUp and Chromium -> Chromium on the same link in the same run (issue #11; Chromium is the anchor).

The link is two network namespaces joined by a veth pair, each end shaped with `tc qdisc ... tbf` (400 ms queue;
Tests/Interop/shaped_link.py). The sender is in the first namespace, the receiver in the second:
- LinkUp: `linkup probe --offer --send-media` (640x480 test pattern at 30 fps with a 160x120 patch of fresh noise, as the Chromium page has; Opus tone) to `linkup probe --answer
  --frame-timeline`, which reports every decoded frame with its capture-to-decode latency and PSNR;
- Chromium: headless Chromium sending a 640x480 canvas at 30 fps with the time drawn into it, and a tone, to another
  headless Chromium that reads the time back from every frame it shows (step_page.html, step_chromium.py).
  Chromium chooses its own resolution and frame rate; its content is not LinkUp's test pattern.

Figures, per stack, from what crossed the link (tc's byte counter on the sender's end, sampled every 0.25 s) and
what the receiver showed:
- adaptation after the drop: from the step until every frame shown in the next 2 s is under 200 ms old;
- adaptation after the rise: from the step until a 1-second window carries 80% of what the stack sent over the
  link in the last 10 s before the drop;
- mean link utilisation per phase (bytes through the bottleneck / capacity);
- latency p95 per phase (capture to decode for LinkUp, capture to display for Chromium);
- freezes: a gap between shown frames longer than max(3 x, + 150 ms) the mean of the previous 30 gaps (the
  definition of Chromium's freezeCount), their count and total duration;
- PSNR of the decoded test pattern per phase (LinkUp only).

Needs root (namespaces). Usage: python shaped_step.py [--runs N] [--only linkup|chromium] [--json PATH]
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import time

from bench_common import ROOT  # noqa: F401  (puts Tests/Interop on sys.path)
from linkup_probe import Probe
from shaped_link import ADDRESSES, ShapedLink

PHASES = ((0.0, 20.0, "2mbit", 2_000_000), (20.0, 40.0, "500kbit", 500_000), (40.0, 60.0, "2mbit", 2_000_000))
SECONDS = PHASES[-1][1]
TRACE = False
PYTHON = os.environ.get("PYTHON", sys.executable)


async def drive_link(link: ShapedLink, start: float, samples: list):
    """Steps the link's rate at the phase boundaries and samples the sender's tc byte counter every 0.25 s."""
    phase = 0
    while True:
        now = time.monotonic() - start
        if now >= SECONDS + 0.5:
            return
        if phase + 1 < len(PHASES) and now >= PHASES[phase + 1][0]:
            phase += 1
            link.set_rate(PHASES[phase][2])
        samples.append((now, link.bytes_sent(0)))
        await asyncio.sleep(0.25)


async def linkup_call(link: ShapedLink) -> dict:
    sender = await Probe("--offer", "--send-media", "--frame-timeline", "--media-seconds", str(SECONDS), "--video", "testsrc:640x480@30+noise",
                         "--audio", "tone:440", "--host", ADDRESSES[0], "--timeout", "20",
                         prefix=link.prefix(0)).start()
    receiver = await Probe("--answer", "--frame-timeline", "--media-seconds", str(SECONDS), "--host", ADDRESSES[1],
                           "--timeout", "20", prefix=link.prefix(1)).start()
    try:
        await receiver.send(await sender.read("offer"))
        await sender.send(await receiver.read("answer"))
        for probe in (sender, receiver):
            await probe.read("connected")
        start, samples = time.monotonic(), []
        shaping = asyncio.create_task(drive_link(link, start, samples))
        sent = (await sender.read("media", timeout=SECONDS + 30))["summary"]
        received = (await receiver.read("media", timeout=30))["summary"]
        await shaping
        for probe in (sender, receiver):
            await probe.read("stats", timeout=10)
            await probe.send({"type": "bye"})
        for probe in (sender, receiver):
            await probe.finish()
    finally:
        for probe in (sender, receiver):
            if probe.process and probe.process.returncode is None:
                probe.process.kill()
    frames = [(frame["at"] - start, frame.get("latencyMs"), frame.get("psnr")) for frame in received["frameTimeline"]]
    timeline = next((m["samples"] for m in sender.messages if m.get("type") == "sendTimeline"), [])
    control = [(sample["at"] - start, sample) for sample in timeline]
    return {"frames": frames, "link": samples, "control": control,
            "notes": {"targetKbpsAtEnd": sent.get("targetBitrateKbps"), "videoStepAtEnd": sent.get("videoStep"),
                      "framesSent": sent.get("videoFramesSent"), "framesSkipped": sent.get("videoFramesSkipped"),
                      "framesDecoded": received.get("videoFramesDecoded"), "nacksSent": received.get("nacksSent"),
                      "plisSent": received.get("plisSent")}}


class Browser:
    """One step_chromium.py in a namespace, spoken to in JSON lines."""

    def __init__(self, link: ShapedLink, index: int, role: str):
        self.command = (*link.prefix(index), PYTHON, os.path.join(os.path.dirname(__file__), "step_chromium.py"),
                        "--role", role)
        self.process = None

    async def start(self):
        self.process = await asyncio.create_subprocess_exec(*self.command, stdin=asyncio.subprocess.PIPE,
                                                            stdout=asyncio.subprocess.PIPE,
                                                            stderr=asyncio.subprocess.PIPE, limit=64 * 1024 * 1024)
        return self

    async def read(self, kind: str, timeout: float = 60) -> dict:
        while True:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
            if not line:
                error = (await self.process.stderr.read()).decode(errors="replace")[-3000:]
                raise RuntimeError(f"step_chromium.py ended before {kind!r}: {error}")
            message = json.loads(line)
            if message.get("type") == "error":
                raise RuntimeError(f"step_chromium.py: {message['error']}\n{message.get('traceback')}")
            if message.get("type") == kind:
                return message

    async def send(self, message: dict):
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        await self.process.stdin.drain()


async def chromium_call(link: ShapedLink) -> dict:
    sender = await Browser(link, 0, "send").start()
    receiver = await Browser(link, 1, "receive").start()
    try:
        await receiver.send(await sender.read("offer"))
        await sender.send(await receiver.read("answer"))
        for browser in (sender, receiver):
            await browser.read("connected")
        start, samples = time.monotonic(), []
        wall_minus_monotonic = time.time() - time.monotonic()
        await drive_link(link, start, samples)
        for browser in (sender, receiver):
            await browser.send({"type": "stop"})
        sent, received = await sender.read("result"), await receiver.read("result")
        for browser in (sender, receiver):
            await asyncio.wait_for(browser.process.wait(), 30)
    finally:
        for browser in (sender, receiver):
            if browser.process and browser.process.returncode is None:
                browser.process.kill()
    frames = [(shown / 1000 - wall_minus_monotonic - start, latency, None) for shown, latency, _ in received["frames"]]
    last_sent = sent["samples"][-1] if sent["samples"] else {}
    last_received = received["samples"][-1] if received["samples"] else {}
    widths = sorted({width for _, _, width in received["frames"]})
    return {"frames": frames, "link": samples,
            "notes": {"framesEncoded": last_sent.get("framesEncoded"), "widthsShown": widths,
                      "estimateKbpsAtEnd": (last_sent.get("availableOutgoingBitrate") or 0) / 1000,
                      "chromiumFreezeCount": last_received.get("freezeCount"),
                      "chromiumFreezeSeconds": last_received.get("totalFreezesDuration"),
                      "framesDecoded": last_received.get("framesDecoded")}}


def bytes_at(samples, t):
    """tc's byte counter at `t`, interpolated between samples."""
    for (t0, b0), (t1, b1) in zip(samples, samples[1:]):
        if t0 <= t <= t1:
            return b0 + (b1 - b0) * (t - t0) / (t1 - t0) if t1 > t0 else b1
    return samples[-1][1] if t > samples[-1][0] else samples[0][1]


def rate(samples, start, end):
    return (bytes_at(samples, end) - bytes_at(samples, start)) * 8 / (end - start)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * len(values))) - 1)] if values else None


def freezes(times):
    """Gaps longer than max(3 * mean, mean + 150 ms) of the previous 30 gaps (Chromium's freeze rule)."""
    found, gaps = [], []
    for previous, current in zip(times, times[1:]):
        gap = current - previous
        if len(gaps) >= 5:
            mean = statistics.fmean(gaps[-30:])
            if gap > max(3 * mean, mean + 0.150):
                found.append(gap)
        gaps.append(gap)
    return found


def analyse(run: dict) -> dict:
    frames, link = run["frames"], run["link"]
    result = {"phases": []}
    for start, end, label, capacity in PHASES:
        inside = [frame for frame in frames if start <= frame[0] < end]
        latencies = [latency for _, latency, _ in inside if latency is not None]
        psnrs = [psnr for _, _, psnr in inside if psnr is not None]
        result["phases"].append({
            "phase": f"{start:.0f}-{end:.0f} s at {label}",
            "utilisation": rate(link, start, end) / capacity,
            "latencyP95Ms": percentile(latencies, 0.95),
            "fps": len(inside) / (end - start),
            "psnrDb": statistics.fmean(psnrs) if psnrs else None,
        })
    # After the drop: until every frame shown within the next 2 s is under 200 ms old.
    drop = PHASES[1][0]
    result["adaptDownSeconds"] = None
    t = drop
    while t < PHASES[1][1] - 2:
        window = [latency for at, latency, _ in frames if t <= at < t + 2]
        if len(window) >= 5 and all(latency is not None and latency < 200 for latency in window):
            result["adaptDownSeconds"] = t - drop
            break
        t += 0.1
    # After the rise: until a 1-second window carries 80% of the rate of the 10 s before the drop.
    rise = PHASES[2][0]
    before = rate(link, drop - 10, drop)
    result["adaptUpSeconds"] = None
    t = rise
    while t < SECONDS - 1:
        if rate(link, t, t + 1) >= 0.8 * before:
            result["adaptUpSeconds"] = t - rise
            break
        t += 0.1
    shown = sorted(at for at, _, _ in frames if 0 <= at < SECONDS)
    gaps = freezes(shown)
    result["freezes"] = len(gaps)
    result["freezeSeconds"] = sum(gaps)
    result["rateBeforeDropKbps"] = before / 1000
    all_latencies = [latency for at, latency, _ in frames if latency is not None and 0 <= at < SECONDS]
    result["latencyP95Ms"] = percentile(all_latencies, 0.95)
    result["utilisation"] = statistics.fmean(phase["utilisation"] for phase in result["phases"])
    result["notes"] = run["notes"]
    result["trace"] = []
    for second in range(int(SECONDS)):
        latencies = [latency for at, latency, _ in frames if second <= at < second + 1 and latency is not None]
        shown_count = sum(1 for at, _, _ in frames if second <= at < second + 1)
        controls = [sample for at, sample in run.get("control", []) if second <= at < second + 1]
        last = controls[-1] if controls else {}
        around = [sample for at, sample in run.get("control", []) if second - 0.25 <= at < second + 1]
        sent = ((around[-1]["bytesSent"] - around[0]["bytesSent"]) * 8 / 1000 / (len(around) - 1) * 4
                if len(around) > 1 else None)
        result["trace"].append({"second": second, "linkKbps": rate(link, second, second + 1) / 1000, "sentKbps": sent,
                                "shown": shown_count, "latencyMaxMs": max(latencies) if latencies else None,
                                "targetKbps": (last.get("target") or 0) / 1000 if last else None,
                                "delayKbps": (last.get("delayBased") or 0) / 1000 if last else None,
                                "lossKbps": (last.get("lossBased") or 0) / 1000 if last else None,
                                "usage": last.get("usage"), "step": last.get("step"),
                                "padding": last.get("paddingPackets"), "resent": last.get("packetsResent")})
    return result


def number(value, digits=0, suffix=""):
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


def report(name: str, result: dict):
    print(f"\n{name}: adapt after drop {number(result['adaptDownSeconds'], 1, ' s') if result['adaptDownSeconds'] is not None else 'never'}"
          f", after rise {number(result['adaptUpSeconds'], 1, ' s') if result['adaptUpSeconds'] is not None else 'never'}"
          f" (to 80% of {result['rateBeforeDropKbps']:.0f} kbit/s); utilisation {result['utilisation'] * 100:.0f}%; "
          f"latency p95 {number(result['latencyP95Ms'], 0, ' ms')}; {result['freezes']} freezes, "
          f"{result['freezeSeconds']:.2f} s")
    for phase in result["phases"]:
        print(f"  {phase['phase']:<20} utilisation {phase['utilisation'] * 100:5.1f}%  latency p95 "
              f"{number(phase['latencyP95Ms'], 0, ' ms'):>8}  {phase['fps']:5.1f} fps shown  PSNR "
              f"{number(phase['psnrDb'], 1, ' dB')}")
    print(f"  {json.dumps(result['notes'])}")
    if TRACE:
        for row in result["trace"]:
            print("   " + " ".join(f"{key}={value:.0f}" if isinstance(value, float) else f"{key}={value}"
                                   for key, value in row.items()))


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", choices=("linkup", "chromium"))
    parser.add_argument("--json", help="write every run's analysis here")
    parser.add_argument("--trace", action="store_true", help="print each second: link rate, frames, latency, "
                        "and LinkUp's target and estimates")
    arguments = parser.parse_args()
    global TRACE
    TRACE = arguments.trace
    if os.geteuid() != 0:
        sys.exit("shaped_step.py needs root (network namespaces and tc)")
    stacks = [(name, call) for name, call in (("LinkUp -> LinkUp", linkup_call), ("Chromium -> Chromium", chromium_call))
              if arguments.only is None or name.lower().startswith(arguments.only)]
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load "
          f"{os.getloadavg()[0]:.2f}; link 2 -> 0.5 -> 2 Mbit/s at 20 s and 40 s, tbf 400 ms queue, one way")
    results = []
    for run in range(arguments.runs):
        for name, call in stacks:
            with ShapedLink(PHASES[0][2]) as link:
                result = analyse(await call(link))
            report(f"{name} (run {run + 1})", result)
            results.append({"stack": name, "run": run + 1, **result})
    if arguments.json:
        with open(arguments.json, "w") as file:
            json.dump(results, file, indent=1)


if __name__ == "__main__":
    asyncio.run(main())
