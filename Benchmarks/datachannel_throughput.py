"""Data channel throughput over loopback: 100 MB (10^8 bytes) on one ordered reliable channel, one way, in messages
of 16 KiB (the web client's file chunks) with its flow control (bufferedAmountLowThreshold 1 MiB, nothing queued
above 4 MiB until bufferedamountlow).

Modes (a function each, returning {"seconds", "mbps", "cpuSecondsPerMB"} plus details; add more to MODES):

    linkup    two `linkup probe --data` processes (LINKUP_BIN), one sending with `bulk` (the same message size and
              flow control), the other counting; seconds until every byte is acknowledged; CPU from /proc of both.
    linkup-to-chromium  LinkUp sends, headless Chromium receives (datachannel_page.html's receiver).
    chromium-to-linkup  Chromium sends (the page's sender), LinkUp receives; the time runs until the probe has
              counted every byte and the page has its `done` (a report round trip of up to 0.1 s included).
    chromium  two headless Chromium (Tests/Interop/browser.py's flags), each with Benchmarks/datachannel_page.html
              from file://, the SDP exchanged by this script (non-trickle, loopback candidates only). CPU is the
              user+system time of every process of each browser's tree (chromedriver's descendants, from /proc)
              during the transfer.
    aiortc    two aiortc peers in this Python process, RTCConfiguration(iceServers=[]), candidates on 127.0.0.1
              only. CPU is this process's time during the transfer.

seconds runs from the first byte queued to the receiver's "all arrived" reply; MB/s is 10^6 bytes per second;
CPU seconds per MB adds both ends.

Traffic stays on loopback: run as root, the script first moves itself into a network namespace of its own holding
only `lo` (as Tests/Interop/conftest.py does), so the peers have nothing else; without that right it stays in the
host's namespace and the peers are still given 127.0.0.1 candidates only.

    .venv/bin/python Benchmarks/datachannel_throughput.py                 # every mode
    .venv/bin/python Benchmarks/datachannel_throughput.py --mode aiortc --megabytes 20 --json
"""

import argparse
import asyncio
import contextlib
import ctypes
import fcntl
import json
import os
import pathlib
import socket
import struct
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "Tests" / "Interop"))
sys.path.insert(0, str(HERE))

from bench_common import loopback_only, print_table  # noqa: E402

CHUNK_BYTES = 16 * 1024
LOW_WATER = 1024 * 1024
HIGH_WATER = 4 * 1024 * 1024
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- loopback only ---

def enter_loopback_namespace() -> str:
    """Moves this process into a new network namespace with only `lo`, up (needs CAP_SYS_ADMIN); says what
    happened. LINKUP_BENCH_NETNS=0 stays in the host's namespace."""
    if os.environ.get("LINKUP_BENCH_NETNS", "1") == "0":
        return "host namespace (LINKUP_BENCH_NETNS=0); loopback candidates only"
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x40000000) != 0:  # CLONE_NEWNET
        return f"host namespace ({os.strerror(ctypes.get_errno())}); loopback candidates only"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, 0x8913, request))[1]  # SIOCGIFFLAGS
        fcntl.ioctl(sock, 0x8914, struct.pack("16sH14x", b"lo", flags | 1))   # SIOCSIFFLAGS, IFF_UP
    return "private network namespace (loopback only)"


# --- CPU time from /proc ---

def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after its closing one.
    return text[text.rindex(")") + 2:].split()


def descendants(root: int) -> set[int]:
    """Every live process below `root` (not `root` itself)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry))  # fields[1] is ppid
    found, stack = set(), [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def cpu_seconds(pids) -> dict[int, float]:
    """utime + stime of each process, in seconds."""
    out = {}
    for pid in pids:
        fields = _stat_fields(pid)
        if fields:
            out[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK  # stat fields 14 and 15
    return out


def tree_cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two samples of a process tree (a process born in between counts from zero)."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def report(total: int, seconds: float, cpu: float, **details) -> dict:
    megabytes = total / 1e6
    return {"seconds": seconds, "mbps": megabytes / seconds, "cpuSecondsPerMB": cpu / megabytes,
            "cpuSeconds": cpu, "bytes": total, **details}


# --- chromium ---

def run_chromium(total: int, chunk: int = CHUNK_BYTES) -> dict:
    from browser import chromium

    with chromium() as sender, chromium() as receiver:
        for page in (sender, receiver):
            _open_bench_page(page)
        offer = _page_call(sender, "window.bench.offer()")
        answer = _page_call(receiver, "window.bench.answer(arguments[0])", loopback_only(offer))
        _page_call(sender, "window.bench.accept(arguments[0])", loopback_only(answer))
        deadline = time.monotonic() + 30
        while not (sender.execute_script("return window.bench.open") and
                   receiver.execute_script("return window.bench.open")):
            if time.monotonic() > deadline:
                raise TimeoutError("the data channel did not open: "
                                   f"{sender.execute_script('return window.bench.state')}")
            time.sleep(0.05)
        trees = {name: descendants(page.service.process.pid) for name, page in
                 (("sender", sender), ("receiver", receiver))}
        before = {name: cpu_seconds(pids) for name, pids in trees.items()}
        sender.execute_script("window.bench.start(arguments[0], arguments[1])", total, chunk)
        deadline = time.monotonic() + max(120, total / 1e6 * 3)
        result = None
        while result is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no result; receiver has {receiver.execute_script('return bench.received')} B")
            time.sleep(0.1)
            result = sender.execute_script("return window.bench.result")
        after = {name: cpu_seconds(descendants(page.service.process.pid)) for name, page in
                 (("sender", sender), ("receiver", receiver))}
        if "error" in result:
            raise RuntimeError(result["error"])
        if result["bytes"] != total:
            raise RuntimeError(f"receiver counted {result['bytes']} bytes of {total}")
        cpu = {name: tree_cpu_delta(before[name], after[name]) for name in before}
        for page in (sender, receiver):
            page.execute_script("window.bench.stop()")
    return report(total, result["seconds"], cpu["sender"] + cpu["receiver"], cpuSender=cpu["sender"],
                  cpuReceiver=cpu["receiver"], processes={name: len(pids) for name, pids in trees.items()})


# --- aiortc ---

def run_aiortc(total: int, chunk: int = CHUNK_BYTES) -> dict:
    from aiortc_loopback import gather_loopback_only
    gather_loopback_only()
    return asyncio.run(_aiortc(total, chunk))


async def _aiortc(total: int, chunk: int) -> dict:
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    sender = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    receiver = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        channel = sender.createDataChannel("bench", ordered=True)
        opened, low, done = asyncio.Event(), asyncio.Event(), asyncio.Event()
        counted = {"bytes": 0, "size": None}
        channel.on("open", opened.set)
        channel.on("bufferedamountlow", low.set)

        @receiver.on("datachannel")
        def on_datachannel(incoming):
            @incoming.on("message")
            def on_message(message):
                if isinstance(message, str):
                    counted["size"] = json.loads(message)["size"]
                    return
                counted["bytes"] += len(message)
                if counted["size"] is not None and counted["bytes"] >= counted["size"]:
                    incoming.send(json.dumps({"type": "done", "bytes": counted["bytes"]}))

        reply = asyncio.get_running_loop().create_future()

        @channel.on("message")
        def on_reply(message):
            if isinstance(message, str) and not reply.done():
                reply.set_result(json.loads(message))

        await sender.setLocalDescription(await sender.createOffer())
        await receiver.setRemoteDescription(RTCSessionDescription(
            loopback_only(sender.localDescription.sdp), "offer"))
        await receiver.setLocalDescription(await receiver.createAnswer())
        await sender.setRemoteDescription(RTCSessionDescription(
            loopback_only(receiver.localDescription.sdp), "answer"))
        await asyncio.wait_for(opened.wait(), 30)

        channel.bufferedAmountLowThreshold = LOW_WATER
        payload = os.urandom(chunk)
        cpu_before = time.process_time()
        started = time.monotonic()
        channel.send(json.dumps({"type": "bench", "size": total}))
        sent = 0
        while sent < total:
            if channel.bufferedAmount > HIGH_WATER:
                low.clear()
                if channel.bufferedAmount > LOW_WATER:
                    await low.wait()
            n = min(chunk, total - sent)
            channel.send(payload if n == chunk else payload[:n])
            sent += n
        result = await asyncio.wait_for(reply, max(300, total / 1e6 * 10))
        seconds = time.monotonic() - started
        cpu = time.process_time() - cpu_before
        done.set()
        if result["bytes"] != total:
            raise RuntimeError(f"receiver counted {result['bytes']} bytes of {total}")
        return report(total, seconds, cpu)
    finally:
        with contextlib.suppress(Exception):
            await sender.close()
        with contextlib.suppress(Exception):
            await receiver.close()


# Add a LinkUp mode here: a function (total_bytes, chunk_bytes) -> report(...).
# --- linkup ---

async def _probe_pair(offer_arguments, answer_arguments):
    """Two `linkup probe` processes (LINKUP_BIN, or the build) negotiated with each other over this script, their
    trickled candidates forwarded (both are on 127.0.0.1 only)."""
    from linkup_probe import Probe
    offerer = await Probe("--offer", "--host", "127.0.0.1", *offer_arguments).start()
    answerer = await Probe("--answer", "--host", "127.0.0.1", *answer_arguments).start()
    await answerer.send(await offerer.read("offer"))
    await offerer.send(await answerer.read("answer"))
    return offerer, answerer


async def _opened_channel(probe, label="bench", timeout=20):
    """The id of channel `label` from the probe's `opened` event."""
    while True:
        event = await probe.read("channel", timeout=timeout)
        if event.get("event") == "opened" and event.get("label") == label:
            return event["id"]


async def _open_bulk_channel(sender, timeout=20):
    """Opens channel "bench" on `sender` and returns its id once the association has announced it."""
    await sender.send({"type": "open", "label": "bench"})
    created = await sender.read("created", timeout=timeout)
    return created["id"] if created["id"] is not None else await _opened_channel(sender, timeout=timeout)


async def _bye(probe):
    """Ends a probe, whatever state it is in."""
    with contextlib.suppress(Exception):
        await probe.send({"type": "bye"})
        await probe.finish()


def _open_bench_page(page):
    """Loads datachannel_page.html into `page`."""
    page.set_script_timeout(30)
    page.get((HERE / "datachannel_page.html").as_uri())


def _page_call(page, expression, *arguments):
    """Awaits the page's promise `expression` (its arguments as `arguments[i]`); an error is raised."""
    result = page.execute_async_script(f"const done = arguments[arguments.length - 1]; {expression} "
                                       ".then(done, e => done('error: ' + e));", *arguments)
    if isinstance(result, str) and result.startswith("error"):
        raise RuntimeError(result)
    return result


async def _page_channel_open(page, timeout=20):
    """Waits until the page's channel is open."""
    deadline = time.monotonic() + timeout
    while not page.execute_script("return window.bench.open"):
        if time.monotonic() > deadline:
            raise TimeoutError("Chromium did not see the channel open")
        await asyncio.sleep(0.05)


def process_cpu(pid: int) -> float:
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / CLK_TCK if fields else 0.0


def run_linkup(total: int, chunk: int = CHUNK_BYTES) -> dict:
    return asyncio.run(_linkup(total, chunk))


async def _linkup(total: int, chunk: int) -> dict:
    sender, receiver = await _probe_pair(["--data-only", "--data-quiet"], ["--data", "--data-quiet"])
    try:
        for probe in (sender, receiver):
            await probe.read("connected")
        identifier = await _open_bulk_channel(sender)
        pids = (sender.process.pid, receiver.process.pid)
        before = [process_cpu(pid) for pid in pids]
        await sender.send({"type": "bulk", "id": identifier, "bytes": total, "chunk": chunk})
        done = await sender.read("bulkSent", timeout=max(120, total / 1e6 * 3))
        after = [process_cpu(pid) for pid in pids]
        await receiver.send({"type": "report"})
        received = (await receiver.read("dataReport"))["channels"].get(str(identifier), {}).get("bytes")
        if received != total:
            raise RuntimeError(f"the receiver counted {received} bytes of {total}")
    finally:
        for probe in (sender, receiver):
            await _bye(probe)
    cpu = [a - b for a, b in zip(after, before)]
    return report(total, done["seconds"], sum(cpu), cpuSender=cpu[0], cpuReceiver=cpu[1])


def run_linkup_to_chromium(total: int, chunk: int = CHUNK_BYTES) -> dict:
    return asyncio.run(_linkup_to_chromium(total, chunk))


async def _linkup_to_chromium(total: int, chunk: int) -> dict:
    """LinkUp sends (linkup probe --offer --data-only), Chromium receives with datachannel_page.html's receiver
    (a text header with the size first, then the bytes)."""
    from browser import chromium
    from linkup_probe import Probe

    sender = await Probe("--offer", "--host", "127.0.0.1", "--data-only", "--data-quiet").start()
    try:
        with chromium() as page:
            _open_bench_page(page)
            offer = (await sender.read("offer"))["sdp"]
            answer = _page_call(page, "window.bench.answer(arguments[0])", offer)
            await sender.send({"type": "answer", "sdp": loopback_only(answer)})
            await sender.read("connected")
            identifier = await _open_bulk_channel(sender)
            await _page_channel_open(page)
            tree = descendants(page.service.process.pid)
            before = cpu_seconds(tree), process_cpu(sender.process.pid)
            await sender.send({"type": "send", "id": identifier, "text": json.dumps({"type": "bench", "size": total})})
            await sender.send({"type": "bulk", "id": identifier, "bytes": total, "chunk": chunk})
            done = await sender.read("bulkSent", timeout=max(120, total / 1e6 * 3))
            deadline = time.monotonic() + 30
            while (page.execute_script("return window.bench.result") or {}).get("bytes") != total:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Chromium counted {page.execute_script('return window.bench.received')} B")
                await asyncio.sleep(0.05)
            after = cpu_seconds(descendants(page.service.process.pid)), process_cpu(sender.process.pid)
            page.execute_script("window.bench.stop()")
    finally:
        await _bye(sender)
    chromium_cpu = tree_cpu_delta(before[0], after[0])
    linkup_cpu = after[1] - before[1]
    return report(total, done["seconds"], chromium_cpu + linkup_cpu, cpuSender=linkup_cpu, cpuReceiver=chromium_cpu)


def run_chromium_to_linkup(total: int, chunk: int = CHUNK_BYTES) -> dict:
    progress = []
    try:
        return asyncio.run(_chromium_to_linkup(total, chunk, progress))
    except (asyncio.TimeoutError, TimeoutError) as error:
        raise TimeoutError(f"{error} (after: {', '.join(progress)})") from error


async def _chromium_to_linkup(total: int, chunk: int, progress: list) -> dict:
    """Chromium sends (datachannel_page.html's sender), LinkUp receives (linkup probe --answer --data); when the
    probe has counted every byte the script has it send the page's `done` message, which ends the page's timing."""
    from browser import chromium
    from linkup_probe import Probe

    receiver = await Probe("--answer", "--host", "127.0.0.1", "--data", "--data-quiet").start()
    try:
        with chromium() as page:
            _open_bench_page(page)
            offer = _page_call(page, "window.bench.offer()")
            progress.append("offer")
            await receiver.send({"type": "offer", "sdp": loopback_only(offer)})
            answer = (await receiver.read("answer"))["sdp"]
            progress.append("answer")
            _page_call(page, "window.bench.accept(arguments[0])", loopback_only(answer))
            await receiver.read("connected", timeout=30)
            progress.append("connected")
            identifier = await _opened_channel(receiver)
            progress.append("opened")
            await _page_channel_open(page)
            tree = descendants(page.service.process.pid)
            before = cpu_seconds(tree), process_cpu(receiver.process.pid)
            page.execute_script("window.bench.start(arguments[0], arguments[1])", total, chunk)
            deadline = time.monotonic() + max(120, total / 1e6 * 3)
            received = 0
            while received < total:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"LinkUp counted {received} B of {total}")
                await asyncio.sleep(0.1)
                await receiver.send({"type": "report"})
                report_line = await receiver.read("dataReport")
                received = report_line["channels"].get(str(identifier), {}).get("bytes", 0)
                received -= len(json.dumps({"type": "bench", "size": total}, separators=(",", ":")))
            progress.append("received")
            await receiver.send({"type": "send", "id": identifier,
                                 "text": json.dumps({"type": "done", "bytes": total})})
            result = None
            while result is None:
                await asyncio.sleep(0.05)
                result = page.execute_script("return window.bench.result")
            after = cpu_seconds(descendants(page.service.process.pid)), process_cpu(receiver.process.pid)
            if "error" in result:
                raise RuntimeError(result["error"])
            page.execute_script("window.bench.stop()")
    finally:
        await _bye(receiver)
    chromium_cpu = tree_cpu_delta(before[0], after[0])
    linkup_cpu = after[1] - before[1]
    return report(total, result["seconds"], chromium_cpu + linkup_cpu, cpuSender=chromium_cpu,
                  cpuReceiver=linkup_cpu)


MODES = {"linkup": run_linkup, "aiortc": run_aiortc, "linkup-to-chromium": run_linkup_to_chromium,
         "chromium-to-linkup": run_chromium_to_linkup, "chromium": run_chromium}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", action="append", choices=sorted(MODES),
                        help="a mode to run (repeatable; default: every mode)")
    parser.add_argument("--megabytes", type=float, default=100, help="10^6 bytes to send [100]")
    parser.add_argument("--chunk", type=int, default=CHUNK_BYTES, help=f"message size [{CHUNK_BYTES}]")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    arguments = parser.parse_args()
    print(f"network: {enter_loopback_namespace()}", file=sys.stderr)
    total = int(arguments.megabytes * 1e6)
    results = {}
    for mode in arguments.mode or list(MODES):
        print(f"{mode}: sending {total / 1e6:g} MB in {arguments.chunk}-byte messages…", file=sys.stderr)
        try:
            results[mode] = MODES[mode](total, arguments.chunk)
        except Exception as error:  # one failing mode does not hide the others
            results[mode] = {"error": f"{type(error).__name__}: {error}"}
    rows = []
    for mode, r in results.items():
        if "error" in r:
            rows.append([mode, "-", "-", "-", r["error"]])
        else:
            rows.append([mode, f"{r['seconds']:.2f}", f"{r['mbps']:.1f}", f"{r['cpuSecondsPerMB']:.4f}",
                         f"{r['cpuSeconds']:.2f} CPU s"])
    print_table(["mode", "seconds", "MB/s", "CPU s/MB", "notes"], rows)
    if arguments.json:
        print(json.dumps(results, indent=2))
    if any("error" in r for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
