"""How many concurrent audio+video echo calls one `linkup bot --mode echo` holds on this machine.

For each N: a fresh `linkup serve` and echo bot, then `linkup load --calls N` places N calls at the same moment;
each caller replays VP8 (640x480 test pattern, encoded once at 600 kbit/s, about 40 packets/s) and Opus (50
packets/s) for DURATION seconds and matches the echo packet by packet. Reported per N:
- calls connected, and connect time (call placed -> ICE + DTLS connected) median and p95;
- loss on the echoed streams (both legs) and echo round trip p50/p95, over every packet and over the packets sent
  5 s or more after their call connected (the steady state), and whether the bar is met (every call connected,
  loss < 1%, steady-state RTT p95 < 50 ms);
- the bot's CPU per call (core-seconds per call-second, from its own load reports in the seconds when all N
  calls were up), its CPU share of one core, and its peak RSS; the load generator's CPU too (same 2 cores).

Run from the repository root after `swift build -c release` (or set LINKUP_BIN):
  .venv/bin/python Benchmarks/echo_load.py [N,N,...] [DURATION]
"""

import contextlib
import json
import resource
import pathlib
import statistics
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "Interop"))

# Importing conftest moves this process (and so the server, the bot and the callers) into a network namespace of
# its own with nothing but loopback, as the interop tests run (see Tests/Interop/conftest.py).
from conftest import NETWORK_NAMESPACE  # noqa: E402
from linkup_call import linkup_binary, linkup_bot  # noqa: E402
from linkup_serve import linkup_serve  # noqa: E402

ROOM = "bench-load"
TICKS = 100  # USER_HZ: /proc/PID/stat counts CPU time in 1/100 s


def cpu_seconds(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def peak_rss_mib(pid: int) -> float:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(count: int, duration: float) -> dict:
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(linkup_serve())
        bot = stack.enter_context(linkup_bot(server.url, ROOM, "echo", name="echo-bot",
                                             extra=("--max-calls", "2000")))
        bot_cpu_before = cpu_seconds(bot.process.pid)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        load = subprocess.run([linkup_binary(), "load", "--server", server.url, "--room", ROOM, "--to", "echo-bot",
                               "--calls", str(count), "--duration", str(duration), "--host", "127.0.0.1",
                               "--timeout", "60", "--json"],
                              capture_output=True, text=True, timeout=duration + 180)
        wall = time.monotonic() - started
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_cpu = (children_after.ru_utime - children_before.ru_utime) + (children_after.ru_stime - children_before.ru_stime)
        bot_cpu = cpu_seconds(bot.process.pid) - bot_cpu_before
        rss = peak_rss_mib(bot.process.pid)
        if load.returncode != 0 or not load.stdout.strip():
            raise SystemExit(f"linkup load failed ({load.returncode}): {load.stderr[-3000:]}")
        report = json.loads(load.stdout.strip().splitlines()[-1])
        # The bot's own per-second reports while every call was up: its steady-state cost per call.
        full = [entry["load"]["cpuPercent"] for entry in bot.loads if entry["load"]["calls"] == count]
        steady = statistics.median(full) if full else None
        return {"calls": count, "report": report, "botCpuSeconds": bot_cpu, "wall": wall, "botRssMiB": rss,
                "loadCpuSeconds": load_cpu,
                "steadyCpuPercent": steady, "steadySeconds": len(full), "loadLog": load.stderr}


def main(counts: list[int], duration: float) -> None:
    print(f"`linkup load --calls N --duration {duration:g}` into one `linkup bot --mode echo` through `linkup serve`, "
          f"loopback; network namespace: {NETWORK_NAMESPACE}", flush=True)
    print("RTT: every packet; 'settled': packets sent 5 s or more after their call connected. The bar: every call\n"
          "connected, loss < 1%, settled RTT p95 < 50 ms.", flush=True)
    print(f"{'N':>4} {'conn':>5} {'connect p50/p95 ms':>19} {'loss %':>7} {'RTT p50/p95 ms':>15} "
          f"{'settled p50/p95':>16} {'bar':>4} {'bot core-s/call-s':>18} {'bot CPU %':>9} {'bot RSS MiB':>11}",
          flush=True)
    for count in counts:
        result = run(count, duration)
        report = result["report"]
        loss = report["lossFraction"] * 100
        p95 = report["rttP95Ms"]
        settled = report.get("settledRttP95Ms")
        meets = report["connected"] == count and loss < 1 and settled is not None and settled < 50
        steady = result["steadyCpuPercent"]
        per_call = steady / 100 / count if steady is not None else float("nan")
        print(f"{count:>4} {report['connected']:>5} {report['connectMedianMs'] or 0:>9.0f}/{report['connectP95Ms'] or 0:<9.0f}"
              f" {loss:>7.2f} {report['rttP50Ms'] or 0:>7.1f}/{p95 or 0:<7.1f}"
              f" {report.get('settledRttP50Ms') or 0:>7.1f}/{settled or 0:<8.1f} {'yes' if meets else 'no':>4} "
              f"{per_call:>18.4f} {steady if steady is not None else float('nan'):>9.0f} "
              f"{result['botRssMiB']:>11.0f}", flush=True)
        print(f"      (bot CPU over the whole run {result['botCpuSeconds']:.1f} s in {result['wall']:.1f} s; "
              f"{result['steadySeconds']} s with all {count} calls up; the load generator used "
              f"{result['loadCpuSeconds']:.1f} CPU s)", flush=True)
        time.sleep(1)


if __name__ == "__main__":
    counts = [int(value) for value in sys.argv[1].split(",")] if len(sys.argv) > 1 else [16, 200]
    main(counts, float(sys.argv[2]) if len(sys.argv) > 2 else 20)
