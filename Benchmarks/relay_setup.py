"""Call set-up through a TURN relay, in the NAT lab (Tests/Interop/netlab.py): two LAN hosts behind symmetric NATs,
coturn on the "public" segment. Needs root (network namespaces, nftables); all traffic stays inside the lab's
namespaces.

`linkup probe --offer` runs in lan1 and `linkup probe --answer` in lan2, both with the lab's TURN server and
credentials; this script passes the offer, the answer and every trickled candidate line between them (each probe's
stdout into the other's stdin). Three ways to reach the relay, N calls each, one after another:

- udp: `--ice-server turn:203.0.113.10:3478?transport=udp`
- tcp: `--ice-server turn:203.0.113.10:3478?transport=tcp`, with all UDP dropped at both NATs (`lab.block_udp`)
- tls: `--ice-server turns:turn.test:5349 --ca-file <the lab's CA>`, UDP still dropped

For each: median and p90 of both probes' `setupMs` (from each one's setRemoteDescription to connected; the offerer's
is the call's, it applies its remote description last), of the wall time from starting the two processes to both
saying connected (process start, TURN allocation, signalling through this script, ICE, DTLS), and the selected
candidate pair each side reported. A failed call is recorded (with the end of its log) and the run goes on.

The lab runs coturn with one static user (NatLab(turn="user")): `--turn-user USER:PASS` splits at the first colon,
so the REST-style usernames of the lab's default mode ("expiry:name") cannot be passed that way.

Run from the repository root, as root:
    LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/relay_setup.py [N] [--only udp,tcp,tls] [--trace]
--trace adds one call per transport with LINKUP_LOG=debug (not counted) and prints both probes' merged logs.
"""

import argparse
import asyncio
import collections
import os
import re
import time

from bench_common import LinePeer, PeerFailed, describe, linkup_binary, print_table

import netlab

CONNECT_TIMEOUT = 30.0
TRANSPORTS = ("udp", "tcp", "tls")


def ice_arguments(lab, transport):
    credentials = lab.turn_credentials()
    user = ["--turn-user", f"{credentials.username}:{credentials.password}"]
    if transport == "udp":
        return ["--ice-server", f"turn:{lab.turn_server}:{netlab.TURN_PORT}?transport=udp", *user]
    if transport == "tcp":
        return ["--ice-server", f"turn:{lab.turn_server}:{netlab.TURN_PORT}?transport=tcp", *user]
    return ["--ice-server", f"turns:{netlab.TURN_HOSTNAME}:{netlab.TURNS_PORT}", *user, "--ca-file", lab.ca_file]


def probe_command(lab, host, role, transport):
    return ["ip", "netns", "exec", lab.ns(host), linkup_binary(), "probe", f"--{role}", "--packets", "0",
            "--host", lab.addr(host), "--timeout", str(CONNECT_TIMEOUT), *ice_arguments(lab, transport)]


async def one_call(lab, transport, trace=False):
    """{"offerer_ms", "answerer_ms", "wall_ms", "offerer_pair", "answerer_pair"} or {"failure": ...}; with `trace`
    also "timeline", both probes' logs (LINKUP_LOG=debug unless set) in ms from the start."""
    env = dict(os.environ, LINKUP_LOG=os.environ.get("LINKUP_LOG", "debug")) if trace else None
    offerer = LinePeer("offerer", probe_command(lab, "lan1", "offer", transport), env=env)
    answerer = LinePeer("answerer", probe_command(lab, "lan2", "answer", transport), env=env)
    started = time.monotonic()
    try:
        return await _negotiate(offerer, answerer, started)
    finally:
        await asyncio.gather(offerer.close(), answerer.close())
        if trace:
            timeline = sorted(offerer.timeline(started) + answerer.timeline(started),
                              key=lambda line: float(line.split(" ms", 1)[0]))
            print(f"\n--- trace: {transport} (ms from starting both probes) ---\n" + "\n".join(timeline), flush=True)


async def _negotiate(offerer, answerer, started):
    try:
        await asyncio.gather(offerer.start(), answerer.start())
        _, offer = await offerer.expect("offer", CONNECT_TIMEOUT)
        await answerer.send(offer)
        await offerer.forward_candidates(answerer.send)
        _, answer = await answerer.expect("answer", CONNECT_TIMEOUT)
        await offerer.send(answer)
        await answerer.forward_candidates(offerer.send)
        (offered_at, offered), (answered_at, answered) = await asyncio.gather(
            offerer.expect("connected", CONNECT_TIMEOUT + 5), answerer.expect("connected", CONNECT_TIMEOUT + 5))
        return {"offerer_ms": offered["setupMs"], "answerer_ms": answered["setupMs"],
                "wall_ms": (max(offered_at, answered_at) - started) * 1000,
                "offerer_pair": offered.get("pair", "?"), "answerer_pair": answered.get("pair", "?")}
    except PeerFailed as failure:
        return {"failure": f"{failure} [offerer: {offerer.stderr_tail(3)}] [answerer: {answerer.stderr_tail(3)}]"}


async def measure(lab, transports, count, trace):
    results = {}
    for transport in transports:
        if transport in ("tcp", "tls"):
            for nat in ("nat1", "nat2"):
                lab.block_udp(nat, True)
        print(f"{transport}: {count} calls", flush=True)
        results[transport] = [await one_call(lab, transport) for _ in range(count)]
        if trace:
            await one_call(lab, transport, trace=True)
    return results


def path_of(pair):
    """A pair without its ports (each call allocates anew), except the TURN server's ("via HOST:PORT")."""
    return re.sub(r"(?<!via )(?<![\d.])(\d+\.\d+\.\d+\.\d+):\d+", r"\1:*", pair)


def report(results, count):
    print(f"\nSet-up through TURN, symmetric NATs, {count} calls per transport (milliseconds)\n")
    header = ["relay", "ok/n", "offerer setupMs", "answerer setupMs", "wall: start -> both connected"]
    rows = []
    for transport, calls in results.items():
        good = [call for call in calls if "failure" not in call]
        rows.append([transport, f"{len(good)}/{len(calls)}", describe([c["offerer_ms"] for c in good]),
                     describe([c["answerer_ms"] for c in good]), describe([c["wall_ms"] for c in good])])
    print_table(header, rows)
    for transport, calls in results.items():
        print(f"\n{transport}:")
        print("  offerer setupMs in call order: "
              + ", ".join("fail" if "failure" in c else f"{c['offerer_ms']:.0f}" for c in calls))
        for side in ("offerer", "answerer"):
            pairs = collections.Counter(path_of(c[f"{side}_pair"]) for c in calls if "failure" not in c)
            for pair, times in pairs.most_common():
                print(f"  {side} pair ({times}x): {pair}")
        for index, call in enumerate(calls):
            if "failure" in call:
                print(f"  call {index + 1} failed: {call['failure']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=10, help="calls per transport (default 10)")
    parser.add_argument("--only", default=",".join(TRANSPORTS), help="comma-separated subset of udp,tcp,tls")
    parser.add_argument("--trace", action="store_true",
                        help="after each transport's calls, one more with LINKUP_LOG=debug, its timeline printed")
    arguments = parser.parse_args()
    transports = [t for t in TRANSPORTS if t in arguments.only.split(",")]
    reason = netlab.missing_prerequisites()
    if reason:
        print(f"relay_setup.py skipped: {reason}")
        return
    with netlab.NatLab(nat="symmetric", turn="user") as lab:
        results = asyncio.run(measure(lab, transports, arguments.count, arguments.trace))
    report(results, arguments.count)


if __name__ == "__main__":
    main()
