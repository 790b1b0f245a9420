"""`linkup serve` under load (issue #13): chat relay throughput (deliveries per second and per server CPU-second)
on one node and on two nodes over Redis, and memory per client (idle clients in rooms of their own, and clients in
one big room). Every client is a raw Engine.IO v4 / Socket.IO v5 WebSocket client on trio (one process), all on
127.0.0.1; the report says whether the load client or the server was the limit.

    LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/signaling_load.py [--idle 10000] [--room 100]

LINKUP_BASELINE_BIN=path/to/other/linkup adds the one-node relay against that build, in the same run.

The server runs with its rate limits raised (a benchmark is a flood by design); python-socketio is not measured
here (no async server for it in .venv/).
"""

import argparse
import json
import os
import pathlib
import platform
import resource
import shutil
import socket
import subprocess
import sys
import time

import trio
from trio_websocket import open_websocket_url

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "Interop"))
from linkup_probe import linkup_binary  # noqa: E402
from redis_server import redis_server  # noqa: E402

NO_LIMITS = ["--handshake-burst", "1000000", "--handshake-rate", "1000000", "--event-burst", "1000000",
             "--event-rate", "1000000", "--max-outbound", "1000000", "--max-connections", "100000"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Node:
    """One `linkup serve` child on a free loopback port."""

    def __init__(self, *extra: str, binary: str | None = None):
        limits = [] if binary else NO_LIMITS  # another build (a baseline) may predate the limit options
        self.process = subprocess.Popen([binary or linkup_binary(), "serve", "--port", "0", "--json", *limits, *extra],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                        preexec_fn=raise_fd_limit)
        self.port = json.loads(self.process.stdout.readline())["port"]
        self.url = f"ws://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        fields = pathlib.Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def rss_kb(self) -> int:
        for line in pathlib.Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Client:
    """One Socket.IO client: joins, counts chats, answers pings."""

    def __init__(self):
        self.chats = 0
        self.acks = {}
        self.next_ack = 0
        self.ws = None

    async def run(self, url: str, room: str, joined: trio.Event, task_status=trio.TASK_STATUS_IGNORED):
        async with open_websocket_url(url + "/socket.io/?EIO=4&transport=websocket",
                                      message_queue_size=100000) as ws:
            self.ws = ws
            assert (await ws.get_message()).startswith("0")
            await ws.send_message("40{}")
            assert (await ws.get_message()).startswith("40")
            await ws.send_message('420["join",' + json.dumps({"room": room, "name": "c"}) + "]")
            task_status.started()
            while True:
                message = await ws.get_message()
                if message.startswith('42["chat"'):
                    self.chats += 1
                elif message.startswith("430"):
                    joined.set()
                elif message == "2":
                    await ws.send_message("3")


async def start_clients(nursery, urls, count: int, room_of):
    clients = []
    for index in range(count):
        client, joined = Client(), trio.Event()
        await nursery.start(client.run, urls[index % len(urls)], room_of(index), joined)
        with trio.fail_after(30):
            await joined.wait()
        clients.append(client)
    return clients


async def relay(nodes, clients_count: int, messages: int, senders: int = 10) -> dict:
    urls = [node.url for node in nodes]
    async with trio.open_nursery() as nursery:
        clients = await start_clients(nursery, urls, clients_count, lambda _: "bench")
        await trio.sleep(0.5)
        expected = clients_count * messages
        cpu_before = sum(node.cpu_seconds() for node in nodes)
        started = time.perf_counter()
        text = "x" * 64
        per_sender = messages // senders
        for round_ in range(per_sender):
            for sender in clients[:senders]:
                await sender.ws.send_message('42["chat",{"room":"bench","text":"' + text + '"}]')
        with trio.move_on_after(120):
            while sum(c.chats for c in clients) < expected:
                await trio.sleep(0.01)
        elapsed = time.perf_counter() - started
        cpu = sum(node.cpu_seconds() for node in nodes) - cpu_before
        delivered = sum(c.chats for c in clients)
        nursery.cancel_scope.cancel()
    return {"nodes": len(nodes), "clients": clients_count, "messages": per_sender * senders, "delivered": delivered,
            "seconds": round(elapsed, 3), "deliveries_per_s": round(delivered / elapsed),
            "server_cpu_s": round(cpu, 3), "deliveries_per_cpu_s": round(delivered / cpu) if cpu else None,
            "limit": "server" if cpu / elapsed / len(nodes) > 0.85 else "client"}


async def memory(node, count: int, one_room: bool) -> dict:
    async with trio.open_nursery() as nursery:
        before = node.rss_kb()
        await start_clients(nursery, [node.url], count, (lambda _: "big") if one_room else (lambda i: f"idle-{i}"))
        await trio.sleep(1.0)
        after = node.rss_kb()
        nursery.cancel_scope.cancel()
    return {"clients": count, "one_room": one_room, "rss_before_kb": before, "rss_after_kb": after,
            "kb_per_client": round((after - before) / count, 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=int, default=10000)
    parser.add_argument("--big-room", type=int, default=1000)
    parser.add_argument("--room", type=int, default=100)
    parser.add_argument("--messages", type=int, default=2000)
    arguments = parser.parse_args()
    raise_fd_limit()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {linkup_binary()}")
    results = []
    node = Node()
    try:
        results.append(("relay, 1 node", trio.run(relay, [node], arguments.room, arguments.messages)))
    finally:
        node.stop()
    baseline = os.environ.get("LINKUP_BASELINE_BIN")
    if baseline:
        # The same load against another build of linkup serve (e.g. the main branch), in the same run.
        node = Node(binary=baseline)
        try:
            results.append((f"relay, 1 node, baseline {baseline}",
                            trio.run(relay, [node], arguments.room, arguments.messages)))
        finally:
            node.stop()
    if shutil.which("redis-server"):
        with redis_server() as url:
            nodes = [Node("--redis", url), Node("--redis", url)]
            try:
                time.sleep(1)
                results.append(("relay, 2 nodes over Redis",
                                trio.run(relay, nodes, arguments.room, arguments.messages)))
            finally:
                for each in nodes:
                    each.stop()
    for label, count, one_room in (("idle clients, a room each", arguments.idle, False),
                                   ("clients in one big room", arguments.big_room, True)):
        node = Node()
        try:
            results.append((label, trio.run(memory, node, count, one_room)))
        finally:
            node.stop()
    for label, result in results:
        print(f"{label}: {json.dumps(result)}")


if __name__ == "__main__":
    main()
