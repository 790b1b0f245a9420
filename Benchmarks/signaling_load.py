"""`linkup serve` under load (issue #13), with python-socketio as the anchor in the same run: chat relay throughput
(deliveries per second and per server CPU-second) on one node, on two nodes over Redis, and on python-socketio; and
memory per client (idle clients in rooms of their own, and clients in one big room). The load client is
Benchmarks/SignalingLoad (raw Engine.IO v4 / Socket.IO v5 WebSocket clients in Swift on one SwiftNIO event loop),
the same for every server; everything is on 127.0.0.1. Each relay figure says which side limited it.

    LINKUP_BENCHMARKS=1 swift build -c release --scratch-path .build-bench --product SignalingLoad
    LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/signaling_load.py [--idle 10000] [--room 100]

LINKUP_BASELINE_BIN=path/to/other/linkup adds the one-node relay and memory against that build, in the same run.
SIGNALING_LOAD_BIN overrides the load client (default .build-bench/release/SignalingLoad).

The LinkUp servers run with their rate limits raised (a benchmark is a flood by design). The python-socketio
anchor is Benchmarks/socketio_anchor_server.py (python-socketio's AsyncServer on aiohttp, one process).
"""

import argparse
import json
import os
import pathlib
import platform
import resource
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "Interop"))
from linkup_probe import linkup_binary  # noqa: E402
from redis_server import redis_server  # noqa: E402

NO_LIMITS = ["--handshake-burst", "1000000", "--handshake-rate", "1000000", "--event-burst", "1000000",
             "--event-rate", "1000000", "--max-outbound", "1000000", "--max-connections", "100000"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
LOAD_BIN = os.environ.get("SIGNALING_LOAD_BIN", str(ROOT / ".build-bench" / "release" / "SignalingLoad"))


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cpu_seconds(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_kb(pid: int) -> int:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Server:
    """One server child on a free loopback port: `linkup serve` or the python-socketio anchor."""

    def __init__(self, command: list[str]):
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                        preexec_fn=raise_fd_limit)
        self.port = json.loads(self.process.stdout.readline())["port"]
        self.url = f"ws://127.0.0.1:{self.port}"

    @classmethod
    def linkup(cls, *extra: str, binary: str | None = None) -> "Server":
        return cls([binary or linkup_binary(), "serve", "--port", "0", "--json", *NO_LIMITS, *extra])

    @classmethod
    def python_socketio(cls) -> "Server":
        return cls([sys.executable, str(ROOT / "Benchmarks" / "socketio_anchor_server.py"), "--port", "0"])

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def rss_kb(self) -> int:
        return rss_kb(self.process.pid)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


class LoadClient:
    """One run of Benchmarks/SignalingLoad: it connects and joins every client, then waits for our word."""

    def __init__(self, servers: list[Server], clients: int, *room: str, extra: list[str] = ()):
        urls = ",".join(server.url for server in servers)
        self.process = subprocess.Popen([LOAD_BIN, "--url", urls, "--clients", str(clients), *room, *extra],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        preexec_fn=raise_fd_limit)
        self.ready = self.read()
        if self.ready.get("event") != "ready":
            raise RuntimeError(f"load client: {self.ready}")

    def read(self) -> dict:
        line = self.process.stdout.readline()
        return json.loads(line) if line else {"event": "exited", "code": self.process.wait()}

    def go(self) -> dict:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return self.read()

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self):
        try:
            self.process.stdin.write("stop\n")
            self.process.stdin.close()
            self.process.wait(30)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(10)


def relay(servers: list[Server], clients: int, messages: int, senders: int = 10) -> dict:
    """`clients` in one room spread over `servers`; `senders` of them send `messages` chats in all."""
    load = LoadClient(servers, clients, "--room", "bench",
                      extra=["--messages", str(messages), "--senders", str(senders)])
    try:
        time.sleep(0.5)
        server_before = sum(server.cpu_seconds() for server in servers)
        client_before = load.cpu_seconds()
        started = time.perf_counter()
        done = load.go()
        elapsed = time.perf_counter() - started
        server_cpu = sum(server.cpu_seconds() for server in servers) - server_before
        client_cpu = load.cpu_seconds() - client_before
    finally:
        load.stop()
    delivered = done.get("delivered", 0)
    client_busy = client_cpu / elapsed  # the client runs one event loop: 1.0 is its ceiling
    server_busy = server_cpu / elapsed / len(servers)
    return {"servers": len(servers), "clients": clients, "messages": done.get("messages"),
            "delivered": delivered, "expected": clients * (messages // senders) * senders,
            "seconds": round(elapsed, 3), "deliveries_per_s": round(delivered / elapsed),
            "server_cpu_s": round(server_cpu, 3),
            "deliveries_per_cpu_s": round(delivered / server_cpu) if server_cpu else None,
            "server_cores_busy": round(server_busy, 2), "client_cores_busy": round(client_busy, 2),
            "limit": limit(server_busy * len(servers), client_busy)}


def limit(server_cores: float, client_cores: float) -> str:
    """Which side limited a relay run, from the cores each kept busy. The load client is one thread (1.0 is its
    ceiling). The server is busy when it kept at least half a core and twice the client's share busy: on this
    2-core machine, shared with the load client (and with whatever else runs), a server whose work is serial (the
    python-socketio process, LinkUp's hub actor) is CPU-bound well before it shows a full core."""
    if client_cores >= 0.85 and client_cores >= server_cores:
        return "client (its one thread saturated)"
    if server_cores >= 0.5 and server_cores >= 2 * client_cores:
        return "server"
    return "neither saturated: wall-clock rate bounded by the loopback round trips"


def memory(server: Server, count: int, one_room: bool) -> dict:
    """RSS of `server` before and after `count` clients have connected and joined (one room, or a room each)."""
    before = server.rss_kb()
    room = ["--room", "big"] if one_room else ["--room-each", "idle"]
    load = LoadClient([server], count, *room)
    try:
        time.sleep(2.0)
        after = server.rss_kb()
    finally:
        load.stop()
    return {"clients": count, "one_room": one_room, "rss_before_kb": before, "rss_after_kb": after,
            "kb_per_client": round((after - before) / count, 1),
            "connect_seconds": round(load.ready.get("connect_seconds", 0), 2)}


def measure(label: str, start, run, results: list):
    server = start()
    try:
        results.append((label, run(server)))
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=int, default=10000)
    parser.add_argument("--big-room", type=int, default=1000)
    parser.add_argument("--room", type=int, default=100)
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--skip-python", action="store_true", help="leave out the python-socketio anchor")
    arguments = parser.parse_args()
    raise_fd_limit()
    if not os.access(LOAD_BIN, os.X_OK):
        sys.exit(f"no load client at {LOAD_BIN}: build it with `LINKUP_BENCHMARKS=1 swift build -c release "
                 "--scratch-path .build-bench --product SignalingLoad`")
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {linkup_binary()}", flush=True)
    servers = [("LinkUp", Server.linkup)]
    baseline = os.environ.get("LINKUP_BASELINE_BIN")
    if baseline:
        servers.append((f"LinkUp baseline {baseline}", lambda: Server.linkup(binary=baseline)))
    if not arguments.skip_python:
        servers.append(("python-socketio", Server.python_socketio))
    results = []
    for name, start in servers:
        measure(f"{name}: relay, 1 node", start,
                lambda server: relay([server], arguments.room, arguments.messages), results)
        if name == "LinkUp" and shutil.which("redis-server"):
            with redis_server() as url:
                nodes = [Server.linkup("--redis", url), Server.linkup("--redis", url)]
                try:
                    time.sleep(1)
                    results.append(("LinkUp: relay, 2 nodes over Redis", relay(nodes, arguments.room,
                                                                                arguments.messages)))
                finally:
                    for each in nodes:
                        each.stop()
        measure(f"{name}: idle clients, a room each", start,
                lambda server: memory(server, arguments.idle, one_room=False), results)
        measure(f"{name}: clients in one big room", start,
                lambda server: memory(server, arguments.big_room, one_room=True), results)
        print(f"{name}: measured ({time.strftime('%H:%M:%S')}, load average {os.getloadavg()[0]:.2f})", flush=True)
    for label, result in results:
        print(f"{label}: {json.dumps(result)}")


if __name__ == "__main__":
    main()
